"""Load references.bib with bibtexparser 2: LaTeX decoded to Unicode, names split, problems with lines."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

import bibtexparser
from bibtexparser import model as bibmodel

from site_builder.citations import latex
from site_builder.records.cite import KEY
from site_builder.records.markup import strip_controls
from site_builder.records.model import Name, Problem, Reference, Severity
from site_builder.records.yamlsource import YamlError, decode

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
    # biblatex types that pandoc reads
    "thesis": ("author", "title", ("institution", "school"), "year"),
    "periodical": ("title",),
    "collection": ("title",),
    "proceedings": ("title",),
    "inreference": ("title",),
    "dataset": ("title",),
    "software": ("title",),
    "patent": ("title",),
}
MAX_BIB_BYTES = 64 * 1024 * 1024  # a registry of 10,000 cases cites thousands of works
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
YEAR_RE = re.compile(r"^\d{4}$")
MONTH_RE = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|0?[1-9]|1[0-2])$", re.IGNORECASE)
# Field names that, followed by '=', inside another field's value mean a missing comma or quote.
FIELD_NAMES = (
    "author editor title subtitle booktitle journal journaltitle year date month volume number issue pages publisher "
    "institution school organization address location edition series chapter doi url urldate note howpublished isbn issn "
    "pmid pmcid keywords abstract langid pubstate type eprint eprinttype"
).split()
SWALLOWED_RE = re.compile(r"(?:^|[\s}\"])(" + "|".join(FIELD_NAMES) + r")\s*=", re.IGNORECASE)
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


def _problem(path: str, line: int, field: str, message: str, severity: Severity = Severity.error, column: int = 1) -> Problem:
    return Problem(path, line, column, severity, field, message)


NONBLANK = re.compile(r"\S")


class _Locator:
    """Line and column (1-based) of offsets in the text, and of a pattern searched from a line on."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.firsts: dict[int, int] = {}  # a line's start: where its first non-blank character is (starts_line)

    def starts_line(self, offset: int) -> bool:
        """Whether the non-blank character at offset is the first of its line. The first non-blank offset is found
        once per line, so that a line of many such characters is read once, not once for each."""
        start = self.starts[bisect.bisect_right(self.starts, offset) - 1]
        first = self.firsts.get(start)
        if first is None:
            first = self.firsts[start] = NONBLANK.search(self.text, start, offset + 1).start()  # type: ignore[union-attr]
        return first == offset

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def find(self, line0: int, pattern: str) -> tuple[int, int]:
        """Where pattern first occurs from 0-based line0 on; the start of that line when it does not."""
        start = self.starts[min(max(line0, 0), len(self.starts) - 1)]
        match = re.compile(pattern, re.IGNORECASE).search(self.text, start)
        return self.at(match.start()) if match else (line0 + 1, 1)


ENTRY_START = re.compile(r"@[A-Za-z]+\s*\{")
# A known field name then '=' (not "p = 0.05" in an abstract): where a line or the text after an entry starts a field.
LINE_FIELD = re.compile(r"[ \t]*(" + "|".join(FIELD_NAMES) + r")[ \t]*=", re.IGNORECASE)
FIELD_START = re.compile(r"\s*+,?\s*+(" + "|".join(FIELD_NAMES) + r")\s*=", re.IGNORECASE)  # possessive: a long run of blanks is not split two ways
STRUCTURE_CHARS = re.compile(r"[\\%@\n{}]")


def _structure_problems(text: str, where: _Locator, shown: str) -> list[Problem]:
    """Unbalanced braces and fields outside any entry, which bibtexparser either reports vaguely or not at all."""
    problems: list[Problem] = []
    opened: list[int] = []
    in_entry = False
    i, n = 0, len(text)
    while (special := STRUCTURE_CHARS.search(text, i)) is not None:  # the characters below; the others change nothing
        i = special.start()
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "%" and not opened:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if char == "@" and (not opened or where.starts_line(i)):
            match = ENTRY_START.match(text, i)
            if match and opened and in_entry:
                line, column = where.at(opened[-1])
                problems.append(_problem(shown, line, "", "'{' is never closed: the entry runs into the next one", column=column))
                opened = []
            if match and not opened:
                in_entry = True
                opened.append(match.end() - 1)
                i = match.end()
                continue
        if char == "\n" and in_entry and len(opened) > 1 and (field := LINE_FIELD.match(text, i + 1)):
            line, column = where.at(opened[-1])
            problems.append(_problem(shown, line, "", f"'{{' is not closed before field '{field.group(1)}' starts", column=column))
            del opened[1:]  # read on as if the value had been closed
        elif char == "{":
            opened.append(i)
        elif char == "}":
            if not opened:
                line, column = where.at(i)
                problems.append(_problem(shown, line, "", "'}' without a matching '{'", column=column))
            else:
                opened.pop()
                if not opened and in_entry:
                    in_entry = False
                    stray = FIELD_START.match(text, i + 1)
                    if stray:
                        line, column = where.at(stray.start(1))
                        problems.append(
                            _problem(shown, line, stray.group(1), "field is outside any entry: a '}' before it closes the entry too early", column=column)
                        )
        i += 1
    if opened and in_entry:
        line, column = where.at(opened[-1])
        problems.append(_problem(shown, line, "", "'{' is never closed before the end of the file", column=column))
    return problems


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
    where = _Locator(text)
    problems = _structure_problems(text, where, shown)
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # bibtexparser raises bare exceptions on some inputs
        return {}, problems or [_problem(shown, 1, "", f"bibliography could not be parsed: {exc}")]
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
            problems.append(_problem(shown, line, block.key, f"duplicate citation key '{block.key}'"))
        elif isinstance(block, bibmodel.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            seen: set[str] = set()
            for fld in entry.fields:
                if fld.key.lower() in seen:
                    at = where.find(fld.start_line or 0, rf"\b{re.escape(fld.key)}\s*=")
                    problems.append(_problem(shown, at[0], f"{entry.key}.{fld.key.lower()}", "duplicate field: the entry sets it twice", column=at[1]))
                seen.add(fld.key.lower())
        elif not problems:  # a brace problem found above is the cause; bibtexparser's message would only repeat it
            first = (block.raw or "").strip().splitlines()[0][:60] if block.raw else ""
            problems.append(_problem(shown, line, "", f"BibTeX block could not be parsed: '{first}'"))
    references: dict[str, Reference] = {}
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        if not re.fullmatch(KEY, entry.key or ""):
            shown_key = entry.key.split()[0] if entry.key.split() else ""
            problems.append(_problem(shown, line, shown_key, f"malformed citation key {entry.key!r}: a key has no spaces or line breaks and starts and ends with a letter, digit or underscore; is the comma after it missing?"))
            continue
        entry_type = entry.entry_type.lower()
        fields: dict[str, str] = {}
        raw: dict[str, str] = {}
        people: dict[str, tuple[Name, ...]] = {}
        for fld in entry.fields:
            name = fld.key.lower()
            if name not in VERBATIM_FIELDS and (swallowed := SWALLOWED_RE.search(str(fld.value))):
                at = where.find((fld.start_line or 0) + str(fld.value)[: swallowed.start(1)].count("\n"), rf"\b{swallowed.group(1)}\s*=")
                problems.append(
                    _problem(shown, at[0], f"{entry.key}.{name}", f"the value runs into field '{swallowed.group(1)}': is a comma missing before it?", column=at[1])
                )
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
            known = ", ".join(f"@{t}" for t in sorted(REQUIRED))
            problems.append(_problem(shown, line, entry.key, f"unknown entry type '@{entry_type}' (known types: {known})"))

        def located(field: str, message: str, severity: Severity = Severity.error) -> Problem:
            at = where.find(line - 1, rf"\b{field}\s*=")
            return _problem(shown, at[0], f"{entry.key}.{field}", message, severity, column=at[1])

        doi = fields.get("doi", "")
        if doi and not DOI_RE.match(doi):
            problems.append(located("doi", f"'{doi}' is not a DOI (expected '10.NNNN/...' without a URL prefix)"))
        year = fields.get("year", "")
        if year and not YEAR_RE.match(year):
            problems.append(located("year", f"'{year}' is not a year (four digits; a state such as 'forthcoming' goes in pubstate)"))
        month = raw.get("month", "")
        if month and not MONTH_RE.match(month):
            problems.append(located("month", f"'{month}' is not a month: write jan ... dec or 1 ... 12 (pandoc and biblatex ignore it)", Severity.warning))
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
