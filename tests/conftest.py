"""Shared fixtures: sample projects under tests/roots/ copied into a temporary folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli import main

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
PROBLEM_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<field>[^:\n]+): (?P<message>.+)$")


@pytest.fixture
def sample(tmp_path: Path):
    """Return a function that copies a sample root into tmp_path and returns its path."""

    def copy(name: str = "minimal") -> Path:
        target = tmp_path / name
        shutil.copytree(ROOTS / name, target)
        return target

    return copy


def run_cli(*args: str):
    """Run the site-builder command in-process."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def problems_of(output: str) -> list[dict[str, str]]:
    """Parse problem lines; fail on any line that is not in the documented shape."""
    found = []
    for line in output.splitlines():
        match = PROBLEM_RE.match(line)
        assert match, f"not a problem line: {line!r}"
        found.append(match.groupdict())
    return found
