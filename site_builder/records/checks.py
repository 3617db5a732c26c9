"""What one record file says on its own, computed once per content: its record and the problems that depend on
nothing else (loading, the schema, locators, raw HTML, the privacy screen, malformed citations).

A project load reads every file's bytes and looks them up in a cache keyed by the bytes' hash, the file's name as
shown and the settings the checks read; only new or changed files are parsed and checked again. The checks that
depend on other files (duplicate ids, indications, citation keys, images) run on every load. The cache lives in the
process (a `mkdocs serve` session keeps it between rebuilds); nothing is written to disk.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from site_builder.records.cite import CitationSyntaxError, find_citations
from site_builder.records.explain import with_hint
from site_builder.records.load import CaseFile, StudyFile, format_field, load_case, load_study
from site_builder.records.markup import raw_html
from site_builder.records.model import Absence, FactGroup, Problem, Severity
from site_builder.records.privacy import clinical_texts, screen_case
from site_builder.records.study import Study
from site_builder.records.yamlsource import decode

ABSENT = tuple(a.value for a in Absence)
FIGURE_FIELDS = ("image", "consent.covers_internet_publication", "consent.identifiable")


class Cited(NamedTuple):
    """A citation key named in a record file, with the field and position that name it (a tuple: thousands per file)."""

    key: str
    field: str
    position: tuple[int, int]


@dataclass(frozen=True)
class RecordCheck:
    """A record file checked on its own."""

    loaded: CaseFile | StudyFile | None
    problems: tuple[Problem, ...]  # loading and the schema: reported whatever the rest of the project holds
    own: tuple[Problem, ...] = ()  # checks of the record alone, reported once it is accepted (its id is unique)


def check_record(path: Path, display: str, kind: str, raw_html_setting: str, raw: bytes) -> RecordCheck:
    """Load one case or study file from its bytes and run every check that needs nothing but the file."""
    return check_record_data(path, display, kind, raw_html_setting, raw)[0]


def check_record_data(path: Path, display: str, kind: str, raw_html_setting: str, raw: bytes) -> tuple[RecordCheck, Any]:
    """check_record, with the record's data as loaded (None for a file that gives no record, or whose data JSON cannot
    hold exactly: a mapping key that is a number)."""
    loaded, problems = (load_case if kind == "case" else load_study)(path, display, raw)
    if loaded is None:
        return RecordCheck(None, tuple(problems)), None
    own = _locator_problems(loaded)
    texts = clinical_texts(loaded.located)
    if raw_html_setting == "error":
        own += _raw_html_problems(loaded, texts)
    own += screen_case(loaded, decode(raw), texts)  # type: ignore[arg-type]
    cited = _citations(loaded)
    located = loaded.located.kept(_later_paths(loaded))  # the positions the project's checks still ask for
    data = None if loaded.located.number_keys else loaded.located.data
    return RecordCheck(replace(loaded, located=located, cited=cited), tuple(problems), tuple(own)), data


def _later_paths(loaded: CaseFile | StudyFile) -> list[tuple[str | int, ...]]:
    paths: list[tuple[str | int, ...]] = [("id",), ("indication",)]
    for index, figure in enumerate(getattr(loaded.record, "figures", [])):
        if figure.image is not None:
            paths += [("figures", index, *name.split(".")) for name in FIGURE_FIELDS]
    return paths


def _locator_problems(loaded: CaseFile | StudyFile) -> list[Problem]:
    """Every fact group a record fills should say where in the source it comes from."""
    data = loaded.located.data
    have = {group.value for group in loaded.record.source.locators}
    problems = []
    for group in FactGroup:
        value = data.get(group.value)
        if value not in (None, [], {}, "", *ABSENT) and group.value not in have:
            pos = loaded.located.position(("source", "locators"))
            problems.append(Problem(loaded.display, *pos, Severity.warning, f"source.locators.{group.value}", "no locator for this fact group"))
    return problems


def _raw_html_problems(loaded: CaseFile | StudyFile, texts: list[tuple[tuple[str | int, ...], str]]) -> list[Problem]:
    """Raw HTML in a record's text is an error naming the tag: it would be shown as typed, never as markup."""
    problems = []
    for path, text in texts:
        if "<" not in text:
            continue  # every tag, comment or declaration starts with '<' (markup.RAW_HTML_RE)
        for _, tag in raw_html(text):
            shown = tag if tag.startswith("<!") or tag.startswith("<?") else tag + ">"
            problems.append(Problem(
                loaded.display, *loaded.located.position(path), Severity.error, format_field(path),
                with_hint(f"raw HTML ({shown}) is not allowed in case text; it would be shown as typed",
                          "write Markdown instead (**bold**, *italic*, a list with '- '); for the character '<' itself, put a space after it"),
            ))
    return problems


def _citations(loaded: CaseFile | StudyFile) -> tuple[Problem | Cited, ...]:
    """Malformed citations as problems and every cited key, in the order the project reports them."""
    located, found = loaded.located, []
    for path, text in located.texts:
        if "@" not in text:
            continue  # every citation span, well-formed or not, holds an '@' (cite.SPAN_RE, cite.OPEN_RE)
        at, name = located.position(path), format_field(path)
        try:
            citations = find_citations(text)
        except CitationSyntaxError as exc:
            found.append(Problem(loaded.display, *at, Severity.error, name, str(exc)))
            continue
        found += [Cited(item.key, name, at) for citation in citations for item in citation.items]
    record = loaded.record
    keys: list[tuple[tuple[str | int, ...], str]] = [(("source", "citation"), record.source.citation)]
    keys += [(("source", "reports", i, "citation"), report.citation) for i, report in enumerate(record.source.reports)]
    if isinstance(record, Study):
        keys += [(("outcomes", i, "reported_in"), o.reported_in) for i, o in enumerate(record.outcomes) if o.reported_in]
    found += [Cited(key, format_field(path), located.position(path)) for path, key in keys]
    return tuple(found)


class RecordCache:
    """Checked record files of the last loads of a few projects, keyed by content, name and settings."""

    def __init__(self, projects: int = 4):
        self.projects = projects
        self.kept: OrderedDict[Path, dict[tuple[str, ...], RecordCheck]] = OrderedDict()

    def start(self, root: Path) -> dict[tuple[str, ...], RecordCheck]:
        """The entries of the project's last load; what this load uses replaces them (see finish)."""
        return self.kept.get(root.resolve(), {})

    def clear(self) -> None:
        """Forget every checked file (the next load checks every file again)."""
        self.kept.clear()

    def finish(self, root: Path, used: dict[tuple[str, ...], RecordCheck]) -> None:
        root = root.resolve()
        self.kept.pop(root, None)
        self.kept[root] = used
        while len(self.kept) > self.projects:
            self.kept.popitem(last=False)


CACHE = RecordCache()


def record_key(kind: str, display: str, path: Path, raw_html_setting: str, raw: bytes) -> tuple[str, ...]:
    """What a record file's own checks depend on: its kind, name, the raw-HTML setting and its bytes."""
    return (kind, display, path.name, raw_html_setting, hashlib.blake2b(raw, digest_size=20).hexdigest())
