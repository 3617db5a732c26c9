"""Load references.bib with bibtexparser 2: LaTeX decoded to Unicode, names split, problems with lines."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser import model as bibmodel

from . import latex
from .markup import strip_controls
from .model import Name, Problem, Reference, Severity
from .yamlsource import YamlError, decode

# Required fields per entry type (BibTeX's standard styles, plus biblatex's @online); a tuple is "one of".
REQUIRED: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": (("author", "editor"), "title", "publisher", "year"),
    "booklet": ("title",),
    "inbook": (("author", "editor"), "title", ("chapter", "pages"), "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "report": ("author", "title", "institution", "year"),
    "misc": ("title",),
    "online": ("title", "url"),
    "unpublished": ("author", "title", "note"),
}
MAX_BIB_BYTES = 64 * 1024 * 1024  # a registry of 10,000 cases cites thousands of works
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
NAME_FIELDS = ("author", "editor")
VERBATIM_FIELDS = ("url", "doi", "urldate", "date", "eprint", "isbn", "issn", "pmid", "pmcid")  # not LaTeX


def _top_level_split(text: str, separator: str) -> list[str]:
    """Split at a separator outside braces."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(separator, i) and (i == 0 or text[i - 1] != "\\"):
            parts.append(text[start:i])
            start = i + len(separator)
    parts.append(text[start:])
    return parts


def _words(text: str) -> list[str]:
    """Whitespace-separated words outside braces."""
    words, depth, current = [], 0, []
    for char in text:
        if char.isspace() and depth == 0:
            if current:
                words.append("".join(current))
                current = []
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        current.append(char)
    if current:
        words.append("".join(current))
    return words


def _capitalised(word: str) -> bool:
    """biblatex's test for a name word: its first letter (after digits) is upper case; braces count as capitals."""
    text = latex.decode(word)
    for char in text:
        if char.isdigit():
            continue
        return char.isupper() or not char.isalpha() or word.startswith("{")
    return True


def _spaced_initials(text: str) -> str:
    """'J.G.' -> 'J. G.', as pandoc reads given names."""
    return re.sub(r"(?<=\b[A-Z]\.)(?=[A-Z]\b)", " ", text)


def split_name(raw: str) -> Name:
    """One BibTeX name as biblatex (and pandoc) reads it: {Braced} is a literal name, 'others' is et al."""
    raw = " ".join(raw.split())
    if raw == "others":
        return Name("others")
    if raw.startswith("{") and _group_is_whole(raw):
        return Name(strip_controls(latex.decode(raw[1:-1])), literal=True)
    parts = [_words(p) for p in _top_level_split(raw, ",")]
    if len(parts) == 1:
        words = parts[0]
        caps = 0
        while caps < len(words) and _capitalised(words[caps]):
            caps += 1
        if caps == len(words):
            first, vonlast, jr = words[:-1], words[-1:], []
        else:
            first, vonlast, jr = words[:caps], words[caps:], []
    elif len(parts) == 2:
        vonlast, first, jr = parts[0], parts[1], []
    else:
        vonlast, jr, first = parts[0], parts[1], parts[2]
    lower = 0
    while lower < len(vonlast) and not _capitalised(vonlast[lower]):
        lower += 1
    if lower == len(vonlast) and vonlast:
        von, last = vonlast[:-1], vonlast[-1:]
    else:
        von, last = vonlast[:lower], vonlast[lower:]

    def text(words: list[str]) -> str:
        return strip_controls(" ".join(latex.decode(w) for w in words))

    return Name(text(last), _spaced_initials(text(first)), text(von), text(jr))


def _group_is_whole(raw: str) -> bool:
    depth = 0
    for i, char in enumerate(raw):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return i == len(raw) - 1
    return False


def _names(raw: str) -> tuple[Name, ...]:
    return tuple(split_name(n) for n in _top_level_split(" ".join(raw.split()), " and ") if n.strip())


def _problem(path: str, line: int, field: str, message: str, severity: Severity = Severity.error) -> Problem:
    return Problem(path, line, 1, severity, field, message)


def load_bibliography(path: Path, display: str | None = None) -> tuple[dict[str, Reference], list[Problem]]:
    """Parse a .bib file into references keyed by citation key, plus the problems found."""
    shown = display or str(path)
    try:
        text = decode(path.read_bytes(), MAX_BIB_BYTES)
    except OSError as exc:
        return {}, [_problem(shown, 1, "", f"cannot read bibliography: {exc.strerror}")]
    except YamlError as exc:
        return {}, [Problem(shown, exc.line, exc.column, Severity.error, "", exc.message)]
    return parse_bibliography(text, shown)


def parse_bibliography(text: str, shown: str) -> tuple[dict[str, Reference], list[Problem]]:
    """Parse BibTeX text; every failed block, duplicate key or missing field is a Problem."""
    problems: list[Problem] = []
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # bibtexparser raises bare exceptions on some inputs
        return {}, [_problem(shown, 1, "", f"bibliography could not be parsed: {exc}")]
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
            problems.append(_problem(shown, line, block.key, f"duplicate citation key '{block.key}'"))
        elif isinstance(block, bibmodel.DuplicateFieldKeyBlock):
            problems.append(_problem(shown, line, getattr(block, "key", ""), f"duplicate field: {block.error}"))
        else:
            first = (block.raw or "").strip().splitlines()[0][:60] if block.raw else ""
            problems.append(_problem(shown, line, "", f"BibTeX block could not be parsed: '{first}'"))
    references: dict[str, Reference] = {}
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        entry_type = entry.entry_type.lower()
        fields: dict[str, str] = {}
        raw: dict[str, str] = {}
        people: dict[str, tuple[Name, ...]] = {}
        for fld in entry.fields:
            name = fld.key.lower()
            raw[name] = " ".join(str(fld.value).split())
            if name in NAME_FIELDS:
                people[name] = _names(raw[name])
            elif name in VERBATIM_FIELDS:  # LaTeX's escaped specials (\% \& \# \_) are what the author meant
                fields[name] = strip_controls(re.sub(r"\\([%&#_$~])", r"\1", raw[name]))
            else:
                fields[name] = " ".join(strip_controls(latex.decode(raw[name])).split())
        for requirement in REQUIRED.get(entry_type, ()):
            options = requirement if isinstance(requirement, tuple) else (requirement,)
            if not any(fields.get(o) or people.get(o) for o in options):
                problems.append(
                    _problem(shown, line, f"{entry.key}.{options[0]}", f"@{entry_type} needs field '{' or '.join(options)}'")
                )
        if entry_type not in REQUIRED:
            problems.append(_problem(shown, line, entry.key, f"unknown entry type '@{entry_type}'", Severity.warning))
        doi = fields.get("doi", "")
        if doi and not DOI_RE.match(doi):
            problems.append(
                _problem(shown, line, f"{entry.key}.doi", f"'{doi}' is not a DOI (expected '10.NNNN/...' without a URL prefix)")
            )
        references[entry.key] = Reference(
            key=entry.key,
            entry_type=entry_type,
            fields=fields,
            authors=people.get("author", ()),
            editors=people.get("editor", ()),
            path=shown,
            line=line,
            raw=raw,
        )
    return references, problems
