"""The record cache on disk, for repeated `site-builder validate` runs and the `mkdocs build` after one (not `mkdocs
serve`, which keeps its results in memory): what each record file says on its own, keyed
by its content, in one JSON-lines file per project under the user's cache folder (never inside the project, where a
pull request could plant entries that hide an error).

Where: the user's cache folder (cachefiles.py); the file is named after a hash of the project's absolute path. The
first line names the code version (a hash of site_builder's source and the versions of Python, PyYAML with its parser, and pydantic): any difference discards the whole file.
An entry holds the file's problems and, for a valid record, its data as loaded (re-validated when read), the
positions and citations the project's checks need. An entry that cannot be read is checked again; JSON only, so a
corrupt file can cost time but never run code. SITE_BUILDER_CACHE=off turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import yaml

from site_builder import cachefiles
from site_builder.records.load import CaseFile, StudyFile
from site_builder.records.model import Case, Name, Problem, Reference, Severity
from site_builder.records.checks import Cited, RecordCheck
from site_builder.records.study import Study
from site_builder.records.yamlsource import LOADER, Located

KEY_START = '{"key": '
KEY_AT = len(KEY_START)
KEEP_PROJECTS = 16  # cache files kept; the least recently used beyond these are deleted


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of everything a cached result depends on besides the file itself."""
    digest = hashlib.sha256()
    package = Path(__file__).parent.parent  # the whole site_builder package
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"{sys.version}|{yaml.__version__}|{LOADER.__name__}|{pydantic.VERSION}".encode())
    return digest.hexdigest()


def _problem(p: Problem) -> list[Any]:
    return [p.path, p.line, p.column, p.severity.value, p.field, p.message]


def _unproblem(row: list[Any]) -> Problem:
    path, line, column, severity, field, message = row
    return Problem(str(path), int(line), int(column), Severity(severity), str(field), str(message))


def entry(key: tuple[str, ...], check: RecordCheck, data: Any) -> str | None:
    """The JSON line for a checked file, or None when it cannot be kept exactly.

    data: the record's data as checks.check_record_data gives it (None when JSON would not keep it exactly)."""
    record = "null"
    if check.loaded is not None:
        if data is None:
            return None
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # dates, bytes, NaN: not JSON
        except (TypeError, ValueError):
            return None
        located = check.loaded.located
        cited = [_problem(c) if isinstance(c, Problem) else [c.key, c.field, *c.position] for c in check.loaded.cited]
        rest = json.dumps({"positions": [[list(path), *at] for path, at in located.values.items()], "cited": cited}, ensure_ascii=False)
        record = '{"data": ' + text + ", " + rest[1:]  # the data as dumped above, not dumped again
    return json.dumps({"key": list(key), "problems": [_problem(p) for p in check.problems], "own": [_problem(p) for p in check.own]}, ensure_ascii=False)[:-1] + ', "record": ' + record + "}"


def read_entry(key: tuple[str, ...], raw: str) -> RecordCheck | None:
    """The check of a file from its JSON line, or None when the line does not read back as an entry for key."""
    try:
        line = json.loads(raw)
        if tuple(line["key"]) != key:
            return None
        return _check(line, key[1])
    except (ValueError, KeyError, TypeError, IndexError, pydantic.ValidationError):
        return None


def _check(line: dict[str, Any], display: str) -> RecordCheck:
    problems = tuple(_unproblem(row) for row in line["problems"])
    own = tuple(_unproblem(row) for row in line["own"])
    record = line["record"]
    if record is None:
        return RecordCheck(None, problems, own)
    kind = line["key"][0]
    model = Case if kind == "case" else Study
    validated = model.model_validate(record["data"])
    located = Located(None, {tuple(path): (int(at[0]), int(at[1])) for path, *at in record["positions"]})
    cited = tuple(Cited(str(row[0]), str(row[1]), (int(row[2]), int(row[3]))) if len(row) == 4 else _unproblem(row) for row in record["cited"])
    loaded = CaseFile(validated, display, located, cited) if isinstance(validated, Case) else StudyFile(validated, display, located, cited)
    return RecordCheck(loaded, problems, own)


def _reference_row(r: Reference) -> dict[str, Any]:
    """A reference as a JSON object (what dataclasses.asdict gives, without its deep copies)."""
    names = {role: [[n.family, n.given, n.von, n.suffix, n.literal] for n in getattr(r, role)] for role in ("authors", "editors")}
    return {"key": r.key, "entry_type": r.entry_type, "fields": dict(r.fields), **names, "path": r.path, "line": r.line, "raw": dict(r.raw)}


class DiskCache:
    """One project's cache file: read once, rewritten with the entries a load used."""

    def __init__(self, root: Path):
        self.file = cachefiles.cache_folder() / (hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24] + ".jsonl")
        self.version = code_version()
        self.lines: dict[tuple[str, ...], str] = {}
        self.current = False  # the file was read whole, written by this code version
        self.kept: dict[tuple[str, ...], str] = {}  # entries other than record files that this load used (the bibliography)
        try:
            with self.file.open(encoding="utf-8") as handle:
                if json.loads(handle.readline()).get("version") == self.version:
                    decode = json.JSONDecoder().raw_decode
                    for raw in handle:
                        # Only the key is read here (every line starts '{"key": [...]'); get() reads the entries used.
                        key = tuple(decode(raw, KEY_AT)[0]) if raw.startswith(KEY_START) else tuple(json.loads(raw)["key"])
                        self.lines[key] = raw.rstrip("\n")
                    self.current = True
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.lines, self.current = {}, False

    def get(self, key: tuple[str, ...]) -> RecordCheck | None:
        """The cached check of a file, or None (also when the entry cannot be read: the file is checked again)."""
        raw = self.lines.get(key)
        return None if raw is None else read_entry(key, raw)

    def bibliography(self, key: tuple[str, str]) -> tuple[dict[str, Reference], list[Problem]] | None:
        """The cached references and problems of a bibliography (by its name as shown and its content), or None."""
        raw = self.lines.get(("bibliography", *key))
        if raw is None:
            return None
        try:
            line = json.loads(raw)
            references = {}
            for row in line["references"]:
                names = {role: tuple(Name(*name) for name in row[role]) for role in ("authors", "editors")}
                reference = Reference(row["key"], row["entry_type"], dict(row["fields"]), names["authors"], names["editors"], row["path"], int(row["line"]), dict(row["raw"]))
                references[reference.key] = reference
            self.kept[("bibliography", *key)] = raw
            return references, [_unproblem(row) for row in line["problems"]]
        except (ValueError, KeyError, TypeError, IndexError):
            return None

    def keep_bibliography(self, key: tuple[str, str], references: dict[str, Reference], problems: list[Problem]) -> None:
        """Keep a bibliography's references and problems for the next run."""
        full = ("bibliography", *key)
        if full not in self.kept:
            rows = [_reference_row(r) for r in references.values()]
            self.kept[full] = json.dumps({"key": list(full), "references": rows, "problems": [_problem(p) for p in problems]}, ensure_ascii=False)

    def save(self, lines: dict[tuple[str, ...], str]) -> None:
        """Write the entries a load used (whole or not at all), and drop the oldest cache files beyond KEEP_PROJECTS. A
        file that holds just these entries already (a build after validate: 98 MB at 10,000 records) is only marked
        as used."""
        try:
            if self.current and lines == self.lines and self.file.is_file():
                os.utime(self.file)  # the most recently used: kept when the oldest go
                return
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return  # a cache that cannot be written only costs time next run
        header = json.dumps({"version": self.version}) + "\n"
        cachefiles.write(self.file.parent, self.file.name, itertools.chain([header.encode()], _encoded(lines.values())), keep=KEEP_PROJECTS)


def _encoded(lines: Iterable[str]) -> Iterator[bytes]:
    """Each entry as a line of UTF-8; one that cannot be (a lone surrogate from an escape) is left out: checked again."""
    for raw in lines:
        try:
            yield (raw + "\n").encode("utf-8")
        except UnicodeEncodeError:
            continue
