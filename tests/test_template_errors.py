"""A page template that fails (a project's own templates/) is an error at its file and line, and nothing is written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, ROOTS
from sitecheck import mkdocs_build


def _project(tmp_path: Path, line: int, text: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOTS / "minimal", project)
    (project / "templates").mkdir(exist_ok=True)
    lines = (REPO / "templates" / "case.html.j2").read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line - 1, text + "\n")
    (project / "templates" / "case.html.j2").write_text("".join(lines), encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("line", "text", "message"),
    [
        (3, "{{ no_such_variable }}", "'no_such_variable' is undefined"),
        (5, "<p>{{ case.no_such_field }}</p>", "has no attribute 'no_such_field'"),
        (4, "{% if case.title %}", "Unexpected end of template"),
    ],
)
def test_generate_names_the_template_line_and_writes_nothing(tmp_path, line, text, message):
    project = _project(tmp_path, line, text)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "site_builder", "generate", "--project", str(project), str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    errors = [row for row in result.stderr.splitlines() if ": error: template: " in row]
    assert errors, result.stderr
    assert message in errors[0]
    if "Unexpected end" not in message:  # a block left open is found where the template ends
        assert errors[0].startswith(f"templates/case.html.j2:{line}:1: error: template: "), errors
    else:
        assert errors[0].startswith("templates/case.html.j2:"), errors
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_build_stops_with_the_template_line_and_leaves_no_site(tmp_path):
    project = _project(tmp_path, 3, "{{ no_such_variable }}")
    site = tmp_path / "site"
    result = mkdocs_build(project / "mkdocs.yml", site)
    assert result.returncode != 0
    assert "templates/case.html.j2:3:1: error: template: 'no_such_variable' is undefined" in result.stderr
    assert "Traceback" not in result.stderr
    assert not site.exists()
