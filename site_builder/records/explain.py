"""Plain-language explanations of YAML syntax errors and schema errors, each with a hint of what to write instead.

Works for any pydantic record model (cases, studies, front matter): the valid names, types and examples of a field
are read from the model itself, so a new kind of record gets the same messages without code here.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
import typing
from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from site_builder.records.model import Absence, is_fact_marker

KEY_LINE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<dashes>(?:-[ \t]+)*)(?P<key>[^\s#:'\"\[\]{}&*!|>%@`-][^:#]*?|\"[^\"]*\"|'[^']*'):(?:[ \t]|$)")


@dataclass(frozen=True)
class Explained:
    """A problem in words, with where it is and what to do about it."""

    message: str
    line: int
    column: int
    field: str = ""

    def __str__(self) -> str:
        return self.message


def with_hint(message: str, hint: str) -> str:
    """One message: what is wrong, then what to do."""
    return f"{message}. {hint[0].upper()}{hint[1:]}" if hint else message


# --- YAML syntax -------------------------------------------------------------------------------------------------


def field_at(text: str, line: int) -> str:
    """The dotted field path a line of a YAML file belongs to, from the keys and indentation above it ('' if none)."""
    stack: list[tuple[int, str, bool]] = []  # (indent, key, has a value on its own line)
    for raw in text.splitlines()[:line]:
        match = KEY_LINE_RE.match(raw)
        if not match:
            continue
        indent = len(match["indent"].expandtabs(1)) + len(match["dashes"])
        while stack and (stack[-1][0] >= indent or stack[-1][2]):
            stack.pop()
        has_value = bool(raw[match.end() :].split(" #")[0].strip())
        stack.append((indent, match["key"].strip("'\"").strip(), has_value))
    return ".".join(key for _, key, _ in stack)


def _first_indent_tab(lines: list[str], upto: int) -> tuple[int, int] | None:
    for number, raw in enumerate(lines[:upto], 1):
        lead = raw[: len(raw) - len(raw.lstrip(" \t-"))]
        if "\t" in lead:
            return number, lead.index("\t") + 1
    return None


def _value_start(raw: str) -> int | None:
    """The 0-based column where a 'key: value' line's value starts, or None."""
    match = KEY_LINE_RE.match(raw)
    if not match:
        return None
    start = match.end()
    while start < len(raw) and raw[start] in " \t":
        start += 1
    return start if start < len(raw) else None


def _quoted(raw: str) -> str:
    """The line with its value in double quotes, as a suggestion."""
    start = _value_start(raw)
    if start is None:
        return ""
    value = raw[start:].rstrip()
    return raw[:start] + '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def explain_yaml(text: str, problem: str, context: str, line: int, column: int, context_line: int, context_column: int) -> Explained:
    """Turn a YAML parser's problem (positions 1-based) into a message with a hint."""
    lines = text.splitlines()
    tab = _first_indent_tab(lines, max(line, context_line))
    if tab or "tab" in problem:
        at = tab or (line, column)
        return Explained("YAML does not allow tabs for indentation; indent with spaces (two per level)", *at, field_at(text, at[0]))
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    context_raw = lines[context_line - 1] if 0 < context_line <= len(lines) else ""

    def explained(message: str, hint: str, at: tuple[int, int] = (line, column), field: str | None = None) -> Explained:
        return Explained(with_hint(message, hint), at[0], at[1], field_at(text, at[0]) if field is None else field)

    for number in range(1, max(line, context_line) + 1):  # mistakes above the reported line that explain it
        above = lines[number - 1] if number <= len(lines) else ""
        if re.match(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:[^\s:/]", above) and number < line:
            key = above.split(":", 1)[0].strip().lstrip("- ").strip()
            return explained(f"line {number} has no space after its colon", "write a space after the colon, such as 'title: text'", (number, 1), key)
        start = _value_start(above)
        if start is not None and above[start] in "\"'" and number < line:
            quote = above[start]
            rest = above[start + 1 :].replace(quote * 2, "") if quote == "'" else re.sub(r'\\.', "", above[start + 1 :])
            if quote not in rest:
                return explained(
                    f"the quote ({quote}) opened here is not closed on this line",
                    f"end the text with a matching {quote}; a {quote} inside the text is written " + ("as ''" if quote == "'" else 'as \\"'),
                    (number, start + 1),
                )

    if "mapping values are not allowed" in problem:
        value = _value_start(raw)
        if value is not None and value < column - 1:
            suggestion = _quoted(raw).strip()
            return explained(
                "this value contains a colon followed by a space, which YAML reads as the start of another field",
                f"put the text in quotes, such as: {suggestion}" if suggestion else "put the text in quotes",
            )
        return explained(
            "this line is indented differently from the fields above it, so YAML reads it as part of the previous value",
            "fields of one mapping must start in the same column; check the spaces at the start of this line",
            (line, len(raw) - len(raw.lstrip()) + 1),
        )
    if "cannot start any token" in problem:
        char = raw[column - 1] if 0 < column <= len(raw) else ""
        start = _value_start(raw)
        if char == "@" and start is not None and raw[start] == "[":
            return explained(
                "a value that starts with a citation such as [@key] is read as a YAML list",
                f"put the whole text in quotes, such as: {_quoted(raw).strip()}",
            )
        shown = {"@": "'@'", "`": "a backtick (`)", "%": "'%'"}.get(char, repr(char))
        return explained(f"a value cannot start with {shown} in YAML", f"put the text in quotes, such as: {_quoted(raw).strip()}")
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        closing = "]" if bracket == "[" else "}"
        start = _value_start(context_raw)
        if start is not None and context_raw[start:].rstrip().endswith(closing):
            return explained(
                f"text after a closing '{closing}': YAML read the start of this value as a list",
                f"put the whole text in quotes, such as: {_quoted(context_raw).strip()}",
                (context_line, context_column),
            )
        return explained(
            f"the '{bracket}' opened here is not closed",
            f"close it with '{closing}', or, if the '{bracket}' is part of the text, put the whole text in quotes",
            (context_line, context_column),
        )
    if "quoted scalar" in context:
        quote = context_raw[context_column - 1] if 0 < context_column <= len(context_raw) else '"'
        return explained(
            f"the quote ({quote}) opened here is never closed",
            f"end the text with a matching {quote}; a {quote} inside the text is written "
            + ("as ''" if quote == "'" else 'as \\"'),
            (context_line, context_column),
        )
    if "block scalar" in context:
        return explained("'|' and '>' start a block of text on the next lines", "put the text on the following lines, indented, or put it in quotes")
    if "another document" in problem:
        return explained("a file holds one record; this '---' starts a second one", "remove the '---' line (or the second record)", field="")
    if "undefined alias" in problem:
        return explained("a value cannot start with '*' in YAML", f"put the text in quotes, such as: {_quoted(raw).strip()}")
    if "expected key" in problem or "expected '-'" in problem or "block end" in problem:
        before = raw[: column - 1].rstrip()
        start = _value_start(raw)
        if before.endswith(('"', "'")) and start is not None and raw[start] in "\"'":
            return explained("there is text after the closing quote", "put the whole value in quotes, or remove the text after the quote")
        if before.endswith(("]", "}")) and start is not None and raw[start] in "[{":
            return explained(
                f"text after a closing '{before[-1]}': YAML read the start of this value as a list",
                f"put the whole text in quotes, such as: {_quoted(raw).strip()}",
            )
        if "expected '-'" in problem:
            return explained(
                "a list item must start with '- ' like the items above it",
                "start this line with '- ' at the same column as the other items, or indent it under its item",
                (line, len(raw) - len(raw.lstrip()) + 1),
            )
        return explained(
            "this line does not line up with the fields around it",
            "fields of one mapping must start in the same column; check the spaces at the start of this line",
            (line, len(raw) - len(raw.lstrip()) + 1),
        )
    if "expected ':'" in problem:
        return explained("this line has no ':' after its field name", "each field is written 'name: value'", (line, len(raw) - len(raw.lstrip()) + 1))
    return explained(f"invalid YAML: {problem or context}", "check this line against the template (templates/new-case.yaml)")


# --- Schema validation -------------------------------------------------------------------------------------------


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def field_info(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model that holds the last named field of loc, and that field (None where the path leaves the models)."""
    holder: type[BaseModel] | None = model
    info: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if holder is None or part not in holder.model_fields:
            return holder if info is None or part == loc[-1] else None, None
        info = holder.model_fields[part]
        if part == loc[-1] and not any(isinstance(p, str) for p in loc[loc.index(part) + 1 :]):
            return holder, info
        inner = _models_in(info.annotation)
        holder = inner[0] if inner else None
    return holder, info


def model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The record model a mapping at loc must follow (None when loc is not a mapping of a model)."""
    holder: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        if holder is None or part not in holder.model_fields:
            return None
        inner = _models_in(holder.model_fields[part].annotation)
        holder = inner[0] if inner else None
    return holder


def suggest(name: str, known: list[str]) -> str:
    """'Did you mean ...?' for the closest known names, or an empty string."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if not close:
        close = [k for k in known if name.lower() in k.lower() or k.lower() in name.lower()][:3]
    return f"did you mean {' or '.join(repr(k) for k in close)}?" if close else ""


def yaml_example(name: str | int, value: object) -> str:
    """One line of YAML showing an example value of a field."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, (int, float)):
        shown = repr(value)
    elif isinstance(value, str):
        shown = value if re.fullmatch(r"[\w .,()/+-]+", value) and not re.fullmatch(r"(?i)yes|no|on|off|true|false|null|~|[\d.:-]+", value) else '"' + value + '"'
    elif isinstance(value, list):
        shown = "[" + ", ".join(yaml_example("", v).removeprefix(": ") for v in value) + "]" if all(not isinstance(v, (dict, list)) for v in value) else "(a list, see the template)"
    elif isinstance(value, dict):
        shown = "{" + ", ".join(f"{k}{yaml_example('', v)}" for k, v in value.items() if not isinstance(v, (dict, list))) + "}"
    else:
        shown = str(value)
    return f"{name}: {shown}" if name != "" else f": {shown}"


def _example(info: FieldInfo | None) -> object:
    examples = (info.examples or []) if info else []
    return examples[0] if examples else None


def _choices(info: FieldInfo | None) -> list[str]:
    if info is None:
        return []
    found: list[str] = []

    def walk(arg: object) -> None:  # through unions and Annotated (a Fact), not into lists
        if isinstance(arg, type) and issubclass(arg, Enum):
            found.extend(str(m.value) for m in arg)
        elif typing.get_origin(arg) is typing.Literal:
            found.extend(str(v) for v in typing.get_args(arg))
        elif typing.get_origin(arg) is typing.Annotated:
            before = len(found)
            walk(typing.get_args(arg)[0])
            if len(found) > before and any(is_fact_marker(m) for m in arg.__metadata__):
                found.extend(a.value for a in Absence)  # a choice of values, or why there is none
        elif typing.get_origin(arg) in (typing.Union, types.UnionType):
            for inner in typing.get_args(arg):
                walk(inner)

    walk(info.annotation)
    return list(dict.fromkeys(found))


TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "string": "text",
    "list": "a list (one '- ' line per item)",
    "model": "a mapping of fields (indented 'name: value' lines)",
    "dict": "a mapping of fields (indented 'name: value' lines)",
}


def _expected_kind(kind: str) -> str | None:
    for prefix in ("int", "float", "bool", "string", "list", "model", "dict"):
        if kind.startswith(prefix) and kind.endswith(("_type", "_parsing", "_from_float", "attributes_type")):
            return prefix
    return None


def _found(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    shown = repr(value) if not isinstance(value, (datetime.date, datetime.datetime)) else value.isoformat()
    return shown if len(shown) <= 60 else shown[:57] + "..."


def explain_validation(error: dict, model: type[BaseModel]) -> tuple[str, str]:
    """(field-level message with hint, kind) for one pydantic error of data validated against model."""
    loc = tuple(p for p in error["loc"] if p != "[key]")
    kind = error["type"]
    value = error.get("input")
    holder, info = field_info(model, loc)
    name = loc[-1] if loc else ""
    example = _example(info)
    example_line = yaml_example(name, example) if example is not None and not isinstance(name, int) else ""
    if kind == "extra_forbidden":
        parent = model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        hint = suggest(str(name), known) or (f"the fields allowed here are: {', '.join(known)}" if known else "")
        return with_hint(f"unknown field '{name}'", hint), kind
    if kind == "missing":
        where = f"'{loc[-2]}'" if len(loc) > 1 and isinstance(loc[-2], str) else ("this list item" if len(loc) > 1 else "the file")
        return with_hint(f"required field '{name}' is missing from {where}", f"add it, for example: {example_line}" if example_line else "add it"), kind
    if value is None and kind != "value_error":
        choices = _choices(info)
        hint = f"write one of: {', '.join(choices)}" if choices else (f"for example: {example_line}" if example_line else "")
        return with_hint("required field is empty: fill it in", hint), kind
    expected = _expected_kind(kind)
    if kind in ("enum", "literal_error") or (expected == "string" and _choices(info)):
        choices = _choices(info)
        hint = suggest(str(value), choices) if isinstance(value, str) else ""
        return with_hint(f"'{value}' is not one of the allowed values: {', '.join(choices)}", hint or (f"write one of them exactly, for example: {name}: {choices[0]}" if choices else "")), kind
    if expected:
        words = TYPE_WORDS[expected]
        message = f"expected {words}, found {_found(value)}"
        if isinstance(value, (datetime.date, datetime.datetime)):
            hint = "YAML read this as a calendar date; records use relative time such as 'day 12' or 'week 2' (put text in quotes)"
        elif isinstance(value, bool) and expected == "string":
            hint = f"YAML reads yes, no, on and off as true or false; put the text in quotes, such as: {name}: \"{str(error.get('input')).lower()}\""
        elif expected == "string" and isinstance(value, (int, float)):
            hint = f"put it in quotes to keep it as text, such as: {name}: \"{value}\""
        elif expected == "list" and isinstance(value, str):
            hint = f"write each item on its own line under '{name}:', starting with '- '"
        else:
            hint = f"for example: {example_line}" if example_line else ""
        return with_hint(message, hint), kind
    if kind in ("string_too_short", "too_short"):
        what = "text" if kind == "string_too_short" else "items"
        minimum = error.get("ctx", {}).get("min_length", 1)
        if kind == "string_too_short" and minimum <= 1:
            return with_hint("required field is empty: fill it in", f"for example: {example_line}" if example_line else ""), kind
        return with_hint(f"needs at least {minimum} {'characters' if what == 'text' else 'items'}", f"for example: {example_line}" if example_line else ""), kind
    if kind in ("string_too_long", "too_long"):
        maximum = error.get("ctx", {}).get("max_length")
        length = len(value) if isinstance(value, (str, list)) else "?"
        unit = "characters" if kind == "string_too_long" else "items"
        return with_hint(f"is {length} {unit} long; the limit is {maximum}", "shorten it; longer text belongs in the description fields"), kind
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = error.get("ctx", {})
        bound = next(iter(ctx.values()), "?")
        words = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than", "less_than_equal": "at most"}[kind]
        hint = f"for example: {example_line}" if example_line else ""
        if name == "age" and kind == "less_than_equal":
            hint = "ages over 89 identify people; leave age out and write age_band: \"90+\""
        return with_hint(f"must be {words} {bound} (found {_found(value)})", hint), kind
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if r"\d{4}-\d{2}" in pattern:
            what = "a date as YYYY-MM-DD" if "(-" not in pattern else "a date as YYYY-MM or YYYY-MM-DD"
        elif pattern.startswith("^[a-z0-9]"):
            what = "a lowercase slug: letters a-z, digits and single hyphens"
        else:
            what = "a value of the expected form"
        return with_hint(f"expected {what}, found {_found(value)}", f"for example: {example_line}" if example_line else ""), kind
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return with_hint(message, f"found {_found(value)}" if not isinstance(value, (dict, list)) else ""), kind
