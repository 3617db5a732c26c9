"""Publish a record (a draft case, or a study: its id becomes permanent) and withdraw a published one (its page becomes a tombstone)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from site_builder.records.model import Problem
from site_builder.project import ProjectPaths, load_project, read_registry, register

DRAFT_LINE_RE = re.compile(r"^draft:[ \t]*(?:true|yes|on)[ \t]*(?:#.*)?\r?\n?", re.M | re.I)


class NotDone(ValueError):
    """The command changed nothing; the message says why and what to do."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _record_file(paths: ProjectPaths, ident: str) -> tuple[Path, Path]:
    """The case or study file of an id, and the folder whose published-ids.txt registers it."""
    for name in (paths.cases, paths.studies):
        folder = paths.root / name
        found = [p for p in folder.rglob(f"{ident}.y*ml") if p.suffix in (".yaml", ".yml")] if folder.is_dir() else []
        if found:
            return found[0], folder
    raise NotDone(f"no case file {paths.cases}/{ident}.yaml and no study file {paths.studies}/{ident}.yaml")


def publish(paths: ProjectPaths, ident: str) -> Path:
    """Register the id of a record that validates cleanly in its folder's published-ids.txt; a draft case loses 'draft: true'."""
    path, folder = _record_file(paths, ident)
    project = load_project(paths, [path])
    if project.errors:
        raise NotDone(f"{paths.display(path)} has {len(project.errors)} errors; fix them, then publish", project.errors)
    text = path.read_text(encoding="utf-8")
    if not DRAFT_LINE_RE.search(text) and ident in {i for _, i in read_registry(folder)}:
        raise NotDone(f"'{ident}' is already published")
    path.write_text(DRAFT_LINE_RE.sub("", text), encoding="utf-8")
    register(folder, ident)  # when the project keeps a published-ids.txt there
    return path


def withdraw(paths: ProjectPaths, ident: str, reason: str, date: str | None = None) -> Path:
    """Mark a case or study withdrawn (its page becomes a tombstone that says why and when); the file and its address stay."""
    path, _ = _record_file(paths, ident)
    date = date or datetime.date.today().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
        raise NotDone(f"--date '{date}' is not YYYY-MM or YYYY-MM-DD")
    if not reason.strip():
        raise NotDone("--reason must say why the case is withdrawn")
    text = path.read_text(encoding="utf-8")
    if re.search(r"^withdrawn:", text, re.M):
        raise NotDone(f"'{ident}' is already withdrawn")
    block = yaml.safe_dump({"withdrawn": {"date": date, "reason": reason.strip()}}, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + block, encoding="utf-8")
    return path
