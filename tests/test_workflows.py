"""The GitHub Actions workflows and the pre-commit hook are valid YAML that run the checks contributors rely on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO
from site_builder.cli import main
from site_builder.engine.settings import read_mkdocs_yml

WORKFLOWS = REPO / ".github" / "workflows"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the key 'on' as True; GitHub reads it as 'on'.
    value = workflow.get("on", workflow.get(True))
    return {value: None} if isinstance(value, str) else dict(value)


def runs(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["run"] for step in workflow["jobs"][job]["steps"] if "run" in step]


def index_of(commands: list[str], words: str) -> int:
    found = [i for i, command in enumerate(commands) if words in command]
    assert found, f"no step runs {words!r}: {commands}"
    return found[0]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_workflow_is_well_formed(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("name") and triggers(workflow) and workflow.get("jobs")
    for name, job in workflow["jobs"].items():
        assert job.get("runs-on") == "ubuntu-latest", name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}: a step either uses an action or runs a command: {step}"
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                assert action.count("/") == 1 and version.startswith("v"), f"{name}: pin {step['uses']} to a version"
            if "run" in step:
                command = step["run"].split()
                if command[0] == "site-builder":
                    assert command[1] in main.commands, step["run"]


def test_pull_requests_are_installed_validated_tested_and_built_strictly() -> None:
    workflow = load(WORKFLOWS / "pr.yml")
    assert "pull_request" in triggers(workflow)
    [job] = workflow["jobs"]
    commands = runs(workflow, job)
    install = index_of(commands, "pip install -e '.[test]'")
    validate = index_of(commands, "site-builder validate --format github")
    tests = index_of(commands, "pytest")
    build = index_of(commands, "mkdocs build --strict")
    assert install < validate < tests and install < build
    assert index_of(commands, "site-builder schema --check") > install
    python = next(s for s in workflow["jobs"][job]["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    assert workflow["permissions"] == {"contents": "read"}


def test_main_is_built_strictly_and_deployed_to_pages() -> None:
    workflow = load(WORKFLOWS / "pages.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    commands = runs(workflow, "build")
    assert index_of(commands, "site-builder validate") < index_of(commands, "mkdocs build --strict")
    uploaded = [s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert uploaded and uploaded[0]["with"]["path"] == read_mkdocs_yml(REPO / "mkdocs.yml").get("site_dir", "site")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_pre_commit_hook_runs_the_validator() -> None:
    config = load(REPO / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]}
    validate = hooks["site-builder-validate"]
    assert validate["entry"] == "site-builder validate" and validate["language"] == "system"
    assert validate["pass_filenames"] is False, "the validator checks the whole project, not single files"
    pattern = re.compile(validate["files"])
    for changed in ("cases/majewska2025-case3-burn.yaml", "references.bib", "content/indications/burns.md", "templates/case.html.j2"):
        assert pattern.search(changed), changed
    assert not pattern.search("site_builder/cli.py")
    assert hooks["site-builder-schema"]["entry"] == "site-builder schema --check"


def test_pre_commit_hook_definition_validates_the_changed_files(sample) -> None:
    from conftest import run_cli

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == ("site-builder-validate", "site-builder validate", "python", True)
    pattern = re.compile(hook["files"])
    for changed in ("cases/smith2024-case1-vitiligo.yaml", "references.bib", "content/indications/burns.md", "mkdocs.yml", "docs/site/cases/a.yml"):
        assert pattern.search(changed), changed
    for unchanged in ("site_builder/cli.py", "templates/case.html.j2", "README.md"):
        assert not pattern.search(unchanged), unchanged
    root = sample()
    command = hook["entry"].split()[1:]
    changed = [str(root / "cases" / "sample-case.yaml"), str(root / "content" / "index.md")]
    assert run_cli(*command, *changed).exit_code == 0
    (root / "cases" / "sample-case.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = run_cli(*command, *changed)
    assert result.exit_code == 1 and result.stdout.startswith("cases/sample-case.yaml:1:5: error: id:")
