"""Safe YAML loading that remembers where every value came from (line and column, 1-based)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from site_builder.records.cite import offset_to_position
from site_builder.records.explain import explain_yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 40

Path = tuple[str | int, ...]


class YamlError(Exception):
    """A YAML document that cannot be loaded; carries a 1-based position."""

    def __init__(self, message: str, line: int = 1, column: int = 1, field: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.field = field


def format_field(path: tuple[str | int, ...]) -> str:
    """Render a location like ('outcomes', 0, 'description') as outcomes[0].description."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Located:
    """A loaded YAML document with the positions of its keys and values."""

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    texts: list[tuple[Path, str]] = field(default_factory=list)  # every string value with its path, as strings(data) gives them
    number_keys: bool = False  # whether a mapping key is a number (JSON would turn it into a string)

    def kept(self, paths: list[Path]) -> Located:
        """A copy that answers position() for these paths only, as this one would: what later checks need."""
        return Located(None, {path: self.position(path) for path in paths})

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of path's key or value, else of its nearest located ancestor."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return found
        return (1, 1)


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def decode(raw: bytes, limit: int = MAX_BYTES) -> str:
    """Strict UTF-8 decoding that reports where the first bad byte sits."""
    if len(raw) > limit:
        raise YamlError(f"file is {len(raw)} bytes; the limit is {limit} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlError(f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line, column) from None
    return text.removeprefix("\ufeff")


KNOWN_LENGTH, KNOWN_COUNT = 40, 4096  # the resolved tags kept: of plain scalars this short, this many


def _quick_tags(loader: type) -> type:
    """The loader with BaseResolver.resolve's answer for text scalars found without its calls (the parser asks it
    for every scalar): a quoted scalar, or a plain one whose first character starts no implicit type, is a string."""
    starts = frozenset(key for key in loader.yaml_implicit_resolvers if key is not None)
    if None in loader.yaml_implicit_resolvers or loader.yaml_path_resolvers:
        return loader
    resolve = loader.resolve
    known: dict[str, str] = {}  # tags of short plain scalars resolved before (keys such as 'timepoint', numbers)

    def quick(self: Any, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0] or value[:1] not in starts:
                return self.DEFAULT_SCALAR_TAG
            # Without path resolvers, a plain scalar's tag depends on its text alone.
            tag = known.get(value)
            if tag is None:
                tag = resolve(self, kind, value, implicit)
                if len(value) <= KNOWN_LENGTH and len(known) < KNOWN_COUNT:
                    known[value] = tag
            return tag
        return resolve(self, kind, value, implicit)

    return type(f"Quick{loader.__name__}", (loader,), {"resolve": quick, "implicit_starts": starts})


# libyaml's parser (same YAML 1.1 safe semantics) is twenty times faster than the pure-Python one.
LOADER = _quick_tags(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _check_events(text: str, loader: type = LOADER) -> None:
    """Reject aliases (alias bombs) and runaway nesting, reporting the first in document order."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            raise YamlError("YAML anchors and aliases are not allowed; write the value out", line, col)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, col)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


# Composing is recursive (in C with libyaml): a document nested thousands deep would exhaust the stack. Below this
# bound composing is safe, and the walk that builds the values finds any nesting deeper than MAX_DEPTH.
SAFE_COMPOSE_DEPTH = 200


def _may_nest_deeper(text: str, limit: int) -> bool:
    """False when the text cannot hold collections nested deeper than limit (cheap; may say True wrongly).

    Each flow collection opens with a '[' or '{'; every two levels of block collections move their start at least
    one column right, within the run of spaces and indicators ('-', '?', ':') that begins its line.
    """
    flow = text.count("[") + text.count("{")
    if flow + 2 > limit:
        return True
    lead = (limit - 2 - flow) // 2 + 1  # the shortest line start that could reach the limit with the flow collections
    line_start = re.compile(rf"\n[ \t?:-]{{{lead}}}")
    return line_start.match("\n" + text[:lead]) is not None or line_start.search(text) is not None


class _Recheck(Exception):
    """The document holds an alias or runs too deep: the event pass reports it where a pass over events meets it."""


def reader_problem(text: str, exc: yaml.reader.ReaderError, loader: type) -> tuple[int, int, str]:
    """Where a character YAML does not allow stands in text (1-based line and column), and what it is."""
    position = exc.position
    if not issubclass(loader, yaml.SafeLoader):  # libyaml counts bytes of UTF-8; the pure reader, characters
        position = len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))
    code = ord(exc.character) if isinstance(exc.character, str) else exc.character
    return (*offset_to_position(text, position), f"character U+{code:04X} is not allowed in YAML")


def loads(text: str, loader: type = LOADER) -> Located:
    """Load one YAML document with yaml.safe_load semantics, recording positions.

    One parse for a record as written (plain mappings, lists and scalars): one walk over libyaml's events builds the
    values and positions (_from_events). Anything else is composed (libyaml when present) and one walk over the nodes
    builds them, or finds the problem. Aliases and nesting are checked over the event stream only when the text
    could hold them, or when the document turns out bad, so that the first problem reported is the one a single
    pass in document order meets first.
    """
    if loader is LOADER and EVENTS_ALONE:
        located = _from_events(text)
        if located is not None:
            return located
    try:
        if _may_nest_deeper(text, SAFE_COMPOSE_DEPTH):
            _check_events(text, loader)
        try:
            node = yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            _check_events(text, loader)
            raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = exc.context_mark or mark
        cline, ccol = (context.line + 1, context.column + 1) if context else (line, col)
        found = explain_yaml(text, exc.problem or "", exc.context or "", line, col, cline, ccol)
        raise YamlError(found.message, found.line, found.column, found.field) from None
    except yaml.reader.ReaderError as exc:
        line, col, message = reader_problem(text, exc, loader)
        raise YamlError(f"invalid YAML: {message} (write it as an escape inside double quotes)", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {' '.join(str(exc).split())}") from None
    if node is None:
        raise YamlError("the file is empty. Start from the template: run 'site-builder new-case'")
    located = Located(None)
    try:
        located.data = _Builder(located, "*" in text).build(node, (), 1)
    except YamlError:
        _check_events(text, loader)  # raises for an alias or a nesting met before the problem found while building
        raise
    except _Recheck as exc:
        _check_events(text, loader)  # names the alias or the nesting; the error below is never met in practice
        raise YamlError("YAML anchors and aliases are not allowed; write the value out", *exc.args[0]) from None
    return located


# Keys name fields: one line, no ':' (problems print as path:line:column: error: field: message).
KEY_RE = re.compile(r"^[^:\x00-\x1f\x7f\x85\u2028\u2029]+$")
COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


STR_TAG = "tag:yaml.org,2002:str"
VALUE_TAG = "tag:yaml.org,2002:value"  # what YAML 1.1 makes of a lone '='
GOOD_KEYS: set[str] = set()  # mapping keys that KEY_RE accepted (field names repeat in every file)


class _Builder:
    """One walk over a composed document: Python values as yaml.safe_load builds them, and every position.

    An alias makes the composer hand the same node twice; without a '*' in the text there can be none to look for.
    """

    def __init__(self, located: Located, aliases: bool):
        self.located = located
        self.values = located.values
        self.keys = located.keys
        self.texts = located.texts
        self.constructor = SafeConstructor()
        self.seen: set[int] | None = set() if aliases else None

    def _once(self, node: Node) -> None:
        if self.seen is not None:
            if id(node) in self.seen:
                raise _Recheck(_mark(node))  # an alias shares a node already built; the event pass names the alias
            self.seen.add(id(node))

    def build(self, node: Node, path: Path, depth: int) -> Any:
        if self.seen is not None:
            self._once(node)
        if isinstance(node, ScalarNode):
            mark = node.start_mark
            self.values[path] = (mark.line + 1, mark.column + 1)
            if node.tag == STR_TAG:
                value = node.value
                self.texts.append((path, value))
                return value  # what SafeConstructor.construct_yaml_str returns, without its calls
            try:
                value = _scalar(node, self.constructor)
            except YamlError as exc:
                exc.field = exc.field or format_field(path)
                raise
            if isinstance(value, str):
                self.texts.append((path, value))
            return value
        if depth > MAX_DEPTH:
            raise _Recheck(_mark(node))
        self.values[path] = _mark(node)
        if node.tag not in COLLECTION_TAGS:
            raise YamlError(f"the tag '{node.tag}' is not allowed; write plain mappings and lists", *_mark(node))
        values, texts, plain = self.values, self.texts, self.seen is None
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                at = path + (i,)
                if plain and item.__class__ is ScalarNode and item.tag == STR_TAG:  # build()'s first case, without the call
                    mark = item.start_mark
                    values[at] = (mark.line + 1, mark.column + 1)
                    texts.append((at, item.value))
                    items.append(item.value)
                else:
                    items.append(self.build(item, at, depth + 1))
            return items
        result: dict[Any, Any] = {}
        keys = self.keys
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlError("mapping keys must be plain scalars", *_mark(key_node))
            if not plain:
                self._once(key_node)
            key = key_node.value if key_node.tag == STR_TAG else _other_key(key_node, self.constructor, self.located)
            if key.__class__ is str and key not in GOOD_KEYS and not _good_key(key):
                raise YamlError(f"mapping key {key[:40]!r} must be a non-empty single line without ':'", *_mark(key_node))
            at = path + (key,)
            if key in result:
                first = keys[at][0]
                raise YamlError(f"duplicate key '{key}' (first given on line {first}). Keep one of them", *_mark(key_node), format_field(at))
            mark = key_node.start_mark
            keys[at] = (mark.line + 1, mark.column + 1)
            if plain and value_node.__class__ is ScalarNode and value_node.tag == STR_TAG:  # build()'s first case, without the call
                mark = value_node.start_mark
                values[at] = (mark.line + 1, mark.column + 1)
                texts.append((at, value_node.value))
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, at, depth + 1)
        return result


class _Aside(Exception):
    """Something the event walk leaves to the composing path, which reports it (or loads it) as it always has."""


# The event walk resolves a plain scalar's tag as _quick_tags does: a text scalar unless its first character starts
# an implicit type. It is used only where that holds for every scalar: no resolver for any first character, none by path.
IMPLICIT_STARTS: frozenset[str] = getattr(LOADER, "implicit_starts", frozenset())
EVENTS_ALONE = hasattr(yaml, "CSafeLoader") and hasattr(LOADER, "implicit_starts")  # libyaml's events, with _quick_tags' resolve


def _from_events(text: str) -> Located | None:
    """loads() for a document of plain mappings, lists and scalars, in one walk over libyaml's events: the same values,
    positions and texts as composing then walking the nodes, without making the nodes (a third of a file's check).

    None for anything else (an error, an anchor or alias, an explicit tag, nesting deeper than MAX_DEPTH, a bad
    or repeated key, a second document, no document): loads() then takes its composing path, which reports it.
    """
    loader = LOADER(text)
    try:
        get = loader.get_event
        if get().__class__ is not StreamStartEvent or get().__class__ is not DocumentStartEvent:
            return None  # no document
        located = Located(None)
        walk = _EventWalk(located, loader)
        first = get()
        located.data = walk.scalar(first, ()) if first.__class__ is ScalarEvent else walk.collection(first, ())
        if get().__class__ is not DocumentEndEvent or get().__class__ is not StreamEndEvent:
            return None  # a second document
        return located
    except (_Aside, YamlError, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


class _EventWalk:
    """The values and positions of a document from its events, as _Builder makes them from its nodes."""

    def __init__(self, located: Located, loader: Any):
        self.located = located
        self.values = located.values
        self.keys = located.keys
        self.texts = located.texts
        self.loader = loader
        self.get = loader.get_event

    def scalar(self, event: Any, path: Path) -> Any:
        """A scalar that is not a plain text (those the loops below take themselves)."""
        if event.anchor is not None or event.tag not in (None, "!"):
            raise _Aside
        mark = event.start_mark
        self.values[path] = (mark.line + 1, mark.column + 1)
        value = event.value
        tag = self.loader.resolve(ScalarNode, value, event.implicit)
        if tag != STR_TAG:
            value = _scalar(ScalarNode(tag, value, mark, event.end_mark, event.style), self.loader)
            if not isinstance(value, str):
                return value
        self.texts.append((path, value))
        return value

    def collection(self, event: Any, path: Path, depth: int = 1) -> Any:
        cls = event.__class__
        if cls is not MappingStartEvent and cls is not SequenceStartEvent or event.anchor is not None or event.tag not in (None, "!") or depth > MAX_DEPTH:
            raise _Aside  # an alias, an anchor, a tag, or nesting too deep
        mark = event.start_mark
        self.values[path] = (mark.line + 1, mark.column + 1)
        get, values, texts, starts = self.get, self.values, self.texts, IMPLICIT_STARTS
        if cls is SequenceStartEvent:
            items: list[Any] = []
            while True:
                event = get()
                cls = event.__class__
                if cls is SequenceEndEvent:
                    return items
                at = path + (len(items),)
                if cls is ScalarEvent:
                    value = event.value
                    if event.implicit[0] and value[:1] in starts or event.tag is not None or event.anchor is not None:
                        items.append(self.scalar(event, at))
                        continue
                    mark = event.start_mark
                    values[at] = (mark.line + 1, mark.column + 1)
                    texts.append((at, value))
                    items.append(value)
                else:
                    items.append(self.collection(event, at, depth + 1))
        result: dict[Any, Any] = {}
        keys = self.keys
        while True:
            event = get()
            cls = event.__class__
            if cls is MappingEndEvent:
                return result
            if cls is not ScalarEvent or event.anchor is not None or event.tag not in (None, "!"):
                raise _Aside
            key = event.value
            mark = event.start_mark
            if event.implicit[0] and key[:1] in starts:
                tag = self.loader.resolve(ScalarNode, key, event.implicit)
                if tag != STR_TAG:
                    key = _other_key(ScalarNode(tag, key, mark, event.end_mark, event.style), self.loader, self.located)
            if key.__class__ is str and key not in GOOD_KEYS and not _good_key(key):
                raise _Aside
            at = path + (key,)
            if key in result:
                raise _Aside
            keys[at] = (mark.line + 1, mark.column + 1)
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                value = event.value
                if event.implicit[0] and value[:1] in starts or event.tag is not None or event.anchor is not None:
                    result[key] = self.scalar(event, at)
                    continue
                mark = event.start_mark
                values[at] = (mark.line + 1, mark.column + 1)
                texts.append((at, value))
                result[key] = value
            else:
                result[key] = self.collection(event, at, depth + 1)


def _good_key(key: str) -> bool:
    """Whether a text key can name a field (KEY_RE); a good one is remembered (field names repeat in every file)."""
    if not KEY_RE.match(key):
        return False
    if len(GOOD_KEYS) < KNOWN_COUNT:
        GOOD_KEYS.add(key)
    return True


def _other_key(node: ScalarNode, constructor: SafeConstructor, located: Located) -> str | int:
    """A mapping key that is not text, as the mapping holds it: a number stays one (and is flagged: JSON would turn
    it into text), anything else is the text written in the file (`null`, `~` and `yes` are keys of their own, not
    'None' twice and 'True'). A lone '=' is text as a key, as yaml.safe_load reads it (flatten_mapping)."""
    if node.tag == VALUE_TAG:
        return node.value
    key = _scalar(node, constructor)
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        key = node.value
    if isinstance(key, int):
        located.number_keys = True
    return key


def _scalar(node: ScalarNode, constructor: SafeConstructor) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        if node.tag.startswith("!"):
            raise YamlError(f"the YAML tag '{node.tag}' is not allowed. Write the value itself; text that starts with '!' goes in quotes", *_mark(node)) from None
        if node.tag == VALUE_TAG:  # YAML 1.1 reads a lone '=' as its 'value key', which has no value
            raise YamlError("a lone '=' is not a value YAML reads. Write it in quotes: '='", *_mark(node)) from None
        raise YamlError(f"invalid value: {exc.problem}", *_mark(node)) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlError(f"invalid value: {exc.problem}", *_mark(node)) from None
    except (ValueError, OverflowError) as exc:
        raise YamlError(f"invalid value: {exc}", *_mark(node)) from None


def strings(data: Any, skip: Callable[[Path], bool] = lambda path: False, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string in loaded YAML data with its path, leaving out the subtrees whose path skip() accepts."""
    if skip(path):
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, skip, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, skip, path + (i,))
    elif isinstance(data, str):
        yield path, data
