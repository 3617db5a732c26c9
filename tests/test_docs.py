"""Every command and option is documented, and the README's quick start is what CI runs."""

from __future__ import annotations

import re

from conftest import REPO
from site_builder.cli import main
from site_builder.plugin import SiteBuilderConfig

README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_exactly_two_commands() -> None:
    commands = quick_start()
    assert len(commands) == 2
    assert "mkdocs build --strict" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()


def test_every_cli_command_is_documented() -> None:
    for name in main.commands:
        assert f"`site-builder {name}" in README, name


def test_every_plugin_option_is_documented() -> None:
    for name, _ in SiteBuilderConfig._schema:
        assert re.search(rf"^\s+{name}:", README, re.M), name
