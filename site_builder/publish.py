"""Publish a draft case (its id becomes permanent) and withdraw a published one (its page becomes a tombstone)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from .model import Problem
from .project import ProjectPaths, load_project, read_registry, register

DRAFT_LINE_RE = re.compile(r"^draft:[ \t]*(?:true|yes|on)[ \t]*(?:#.*)?\r?\n?", re.M | re.I)


class NotDone(ValueError):
    """The command changed nothing; the message says why and what to do."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _case_file(paths: ProjectPaths, case_id: str) -> Path:
    folder = paths.root / paths.cases
    found = [p for p in folder.rglob(f"{case_id}.y*ml") if p.suffix in (".yaml", ".yml")]
    if not found:
        raise NotDone(f"no case file {paths.cases}/{case_id}.yaml")
    return found[0]


def publish(paths: ProjectPaths, case_id: str) -> Path:
    """Remove 'draft: true' from a case that validates cleanly and register its id in cases/published-ids.txt."""
    path = _case_file(paths, case_id)
    project = load_project(paths, [path])
    if project.errors:
        raise NotDone(f"{paths.display(path)} has {len(project.errors)} errors; fix them, then publish", project.errors)
    text = path.read_text(encoding="utf-8")
    folder = paths.root / paths.cases
    if not DRAFT_LINE_RE.search(text) and case_id in {ident for _, ident in read_registry(folder)}:
        raise NotDone(f"'{case_id}' is already published")
    path.write_text(DRAFT_LINE_RE.sub("", text), encoding="utf-8")
    register(folder, case_id)  # when the project keeps cases/published-ids.txt
    return path


def withdraw(paths: ProjectPaths, case_id: str, reason: str, date: str | None = None) -> Path:
    """Mark a case withdrawn (its page becomes a tombstone that says why and when); the file and its address stay."""
    path = _case_file(paths, case_id)
    date = date or datetime.date.today().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
        raise NotDone(f"--date '{date}' is not YYYY-MM or YYYY-MM-DD")
    if not reason.strip():
        raise NotDone("--reason must say why the case is withdrawn")
    text = path.read_text(encoding="utf-8")
    if re.search(r"^withdrawn:", text, re.M):
        raise NotDone(f"'{case_id}' is already withdrawn")
    block = yaml.safe_dump({"withdrawn": {"date": date, "reason": reason.strip()}}, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + block, encoding="utf-8")
    return path
