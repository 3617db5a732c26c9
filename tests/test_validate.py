"""`site-builder validate` on sample projects: each bad input gives a clear, located error and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import PROBLEM_RE, PROJECT, problems_of, run_cli

CASE = "cases/sample-case.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(root: Path, *args: str):
    result = run_cli("validate", str(root), *args)
    return result, problems_of(result.stdout)


def test_sample_project_is_clean(sample) -> None:
    result, problems = validate(sample())
    assert result.exit_code == 0, result.stdout
    assert problems == []
    assert "1 cases, 1 indications, 2 references, 2 pages checked: 0 errors, 0 warnings" in result.stderr


def test_validate_leaves_the_cycle_collector_on_for_its_caller(sample) -> None:
    """validate turns Python's cycle collector off while it loads (a short-lived process needs none), and back on:
    editors' integrations and these tests run the command in-process."""
    import gc

    assert gc.isenabled()
    root = sample()
    result, _ = validate(root)
    assert result.exit_code == 0
    assert gc.isenabled()
    edit(root, CASE, "id: sample-case", "id: [not, an, id]")
    result, problems = validate(root)
    assert result.exit_code == 1 and problems
    assert gc.isenabled(), "also after a failed check"


def test_repository_validates() -> None:
    result, problems = validate(PROJECT)
    assert result.exit_code == 0, result.stdout
    assert [p for p in problems if p["severity"] == "error"] == []


# (file, old text, new text, expected path, line, column, field, words in the message); the kinds of mistake a
# contributor makes in a case file, each with its hint, are in tests/test_errors.py.
BAD_INPUTS = {
    "malformed citation span": (CASE, "[@doe2020sample].\ndiagnosis", "[@doe2020sample.\ndiagnosis", CASE, 15, 15, "presentation", "malformed or unterminated citation"),
    "two key outcomes": (CASE, "    key: true", "    key: true\n  - description: Second.\n    assessed_by: patient\n    key: true", CASE, None, None, "outcomes", "at most one outcome"),
    "timeline needs day or week": (CASE, "    - week: 6\n", "    - month: 6\n", CASE, None, None, "timeline.events[1].month", "unknown field 'month'"),
    "broken bibtex": ("references.bib", "  volume = {1},", "  volume = {1,", "references.bib", 6, 12, "-", "is not closed before field 'pages'"),
    "duplicate bibtex key": ("references.bib", "@article{roe2023preprint,", "@article{doe2020sample,", "references.bib", 11, 1, "doe2020sample", "duplicate citation key"),
    "bibtex missing field": ("references.bib", "  journal = {Journal of Samples},\n", "", "references.bib", 1, 1, "doe2020sample.journal", "needs field 'journal'"),
    "bibtex bad doi": ("references.bib", "doi = {10.1234/sample.2020.1}", "doi = {https://doi.org/10.1234/x}", "references.bib", 8, 3, "doe2020sample.doi", "is not a DOI"),
    "unknown key in page": ("content/index.md", "[@roe2023preprint]", "[@ghost2001]", "content/index.md", 7, 29, "body", "unknown citation key 'ghost2001'"),
    "malformed span in page": ("content/index.md", "[@roe2023preprint]", "[@roe2023preprint", "content/index.md", 7, 29, "body", "unterminated"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_reported(sample, name: str) -> None:
    rel, old, new, path, line, column, field, words = BAD_INPUTS[name]
    root = sample()
    edit(root, rel, old, new)
    result, problems = validate(root)
    assert result.exit_code == 1, result.stdout
    errors = [p for p in problems if p["severity"] == "error"]
    match = [p for p in errors if p["path"] == path and p["field"] == field and words in p["message"]]
    assert match, f"no error for {field!r} with {words!r} in:\n{result.stdout}"
    if line is not None:
        assert int(match[0]["line"]) == line, result.stdout
    if column is not None:
        assert int(match[0]["column"]) == column, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_duplicate_ids_across_folders(sample) -> None:
    root = sample()
    (root / "cases" / "more").mkdir()
    (root / "cases" / "more" / "sample-case.yaml").write_bytes((root / CASE).read_bytes())
    result, problems = validate(root)
    assert result.exit_code == 1
    assert any(p["field"] == "id" and "duplicate id 'sample-case'" in p["message"] for p in problems), result.stdout


def test_empty_cases_folder(sample) -> None:
    root = sample()
    (root / CASE).unlink()
    result, problems = validate(root)
    assert result.exit_code == 1
    assert problems[0]["path"] == "cases" and "no case files" in problems[0]["message"]


def test_not_utf8(sample) -> None:
    root = sample()
    (root / CASE).write_bytes((root / CASE).read_bytes().replace(b"Hand eczema", b"Hand \xff\xfeeczema"))
    result, problems = validate(root)
    assert result.exit_code == 1
    assert (problems[0]["line"], problems[0]["column"], problems[0]["message"][:26]) == ("4", "13", "file is not valid UTF-8 (b")


def test_empty_case_file(sample) -> None:
    root = sample()
    (root / CASE).write_text("# nothing\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1 and "empty" in problems[0]["message"]


def test_case_file_not_a_mapping(sample) -> None:
    root = sample()
    (root / CASE).write_text("- a\n- b\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1 and "must be a YAML mapping" in problems[0]["message"]


def test_billion_laughs_is_rejected_quickly(sample) -> None:
    root = sample()
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (root / CASE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1 and "aliases are not allowed" in problems[0]["message"]


def test_deep_nesting_is_rejected(sample) -> None:
    root = sample()
    (root / CASE).write_text("x: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1 and "nesting deeper" in problems[0]["message"]


def test_huge_file_is_rejected(sample) -> None:
    root = sample()
    (root / CASE).write_text("title: " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1 and "limit" in problems[0]["message"]


def test_missing_locator_is_a_warning_and_strict_fails(sample) -> None:
    root = sample()
    edit(root, CASE, "    comparator: [Section 1]\n", "")
    result, problems = validate(root)
    assert result.exit_code == 0
    assert [(p["severity"], p["field"]) for p in problems] == [("warning", "source.locators.comparator")]
    assert run_cli("validate", str(root), "--strict").exit_code == 1


def test_json_format(sample) -> None:
    root = sample()
    edit(root, CASE, "  age: 30", "  age: -1")
    result = run_cli("validate", str(root), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data[0]["path"] == CASE and data[0]["field"] == "patient.age" and data[0]["line"] == 13


def test_github_format(sample) -> None:
    root = sample()
    edit(root, CASE, "  age: 30", "  age: -1")
    result = run_cli("validate", str(root), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={CASE},line=13,col=8,title=patient.age::")


def test_usage_error_exits_2(tmp_path: Path) -> None:
    assert run_cli("validate", str(tmp_path / "missing")).exit_code == 2
    assert run_cli("validate", "--format", "xml").exit_code == 2


def test_deleting_a_published_case_is_an_error(sample) -> None:
    root = sample()
    (root / "cases" / "published-ids.txt").write_text("# published\nsample-case\nold-case\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1
    assert [(p["path"], p["line"], p["field"]) for p in problems] == [("cases/published-ids.txt", "3", "old-case")]
    assert "mark it withdrawn instead" in problems[0]["message"]


def test_every_repository_case_is_registered_as_published() -> None:
    from site_builder.project import read_registry

    registered = {ident for _, ident in read_registry(PROJECT / "cases")}
    published = {p.stem for p in (PROJECT / "cases").glob("*.yaml") if not yaml.safe_load(p.read_text(encoding="utf-8")).get("draft")}
    assert published <= registered, f"run 'site-builder publish ID' for: {', '.join(sorted(published - registered))}"


def test_invalid_plugin_options_are_reported_without_traceback(sample) -> None:
    root = sample()
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - site-builder\n", "  - site-builder:\n      last_reviewed: yesterday\n"), encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert "mkdocs.yml:1:1: error: plugins.site-builder: last_reviewed: expected a date as YYYY-MM-DD, found 'yesterday'" in result.stderr


@pytest.mark.parametrize(("tail", "where", "message"), [
    (b"extra: [open\n", "{end}:1", "invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence on line {last}, column 8)"),
    (b"extra: a\x00b\n", "{last}:9", "invalid YAML: character U+0000 is not allowed in YAML"),
    (b"extra: \xff\n", "{last}:8", "file is not valid UTF-8 (byte 0xff); save the file as UTF-8"),
    (b"extra: " + b"[" * 3000 + b"]" * 3000 + b"\n", "1:1", "invalid YAML: nested too deeply to read"),
    (b"extra: !!timestamp 2020-13-45\n", "1:1", "invalid YAML: a value cannot be read (month must be in 1..12)"),
])
@pytest.mark.parametrize("command", ["validate", "generate", "new-case"])
def test_a_mkdocs_yml_that_is_not_yaml_is_a_located_error_without_traceback(sample, tmp_path: Path, command: str, tail: bytes, where: str, message: str) -> None:
    root = sample()
    config = (root / "mkdocs.yml").read_bytes()
    config += b"" if config.endswith(b"\n") else b"\n"
    (root / "mkdocs.yml").write_bytes(config + tail)
    last = config.count(b"\n") + 1  # the line the tail is written on
    args = {"generate": [str(tmp_path / "out"), "--project", str(root)], "validate": [str(root)],
            "new-case": ["--id", "new-one", "--indication", "x", "--citation", "y", "--project", str(root)]}[command]
    result = run_cli(command, *args)
    assert result.exit_code == 1, result.output
    expected = f"{root / 'mkdocs.yml'}:{where.format(end=last + 1, last=last)}: error: -: {message.format(last=last)}"
    assert result.stderr.strip().splitlines() == [expected]
    assert not (tmp_path / "out").exists()


def _inheriting(root: Path) -> Path:
    """The sample project with its settings moved to config/base.yml, which mkdocs.yml inherits (MkDocs' INHERIT), and
    its cases moved to records/, which only the inherited plugin options name."""
    base = root / "config" / "base.yml"
    base.parent.mkdir()
    config = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - site-builder\n", "  - site-builder:\n      cases: records\n")
    base.write_text(config, encoding="utf-8")
    (root / "mkdocs.yml").write_text("INHERIT: config/base.yml\nsite_name: Child site\n", encoding="utf-8")
    (root / "cases").rename(root / "records")
    return base


def test_settings_inherited_with_mkdocs_inherit_are_the_ones_validate_and_generate_use(sample, tmp_path: Path) -> None:
    root = sample()
    _inheriting(root)
    result = run_cli("validate", str(root))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("1 cases, "), result.stderr  # found in records/, as the inherited options say
    out = tmp_path / "tree"
    result = run_cli("generate", str(out), "--project", str(root))
    assert result.exit_code == 0, result.output
    tree = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    # one complete file for the other engine: the child's own setting over the inherited ones, and no INHERIT left
    assert "INHERIT" not in tree and tree["site_name"] == "Child site" and tree["theme"]["name"] == "material"
    assert (out / "docs" / "cases").is_dir()


def test_inherited_settings_in_mapping_form_and_a_null_setting_read_as_mkdocs_reads_them(sample, tmp_path: Path) -> None:
    from site_builder.engine.settings import project_settings

    root = sample()
    base = _inheriting(root)
    text = base.read_text(encoding="utf-8").replace("plugins:\n  - tags\n  - site-builder:\n      cases: records\n",
                                                    "plugins:\n  tags: {}\n  site-builder:\n    cases: records\n")
    text = text.replace("markdown_extensions:\n", "markdown_extensions:\n  toc:\n    permalink: true\n  admonition: {}\n").replace("  - admonition\n", "")
    base.write_text(text.split("  - attr_list\n")[0] + text.split("  - pymdownx.superfences\n")[1], encoding="utf-8")
    (root / "mkdocs.yml").write_text("INHERIT: config/base.yml\nsite_name: Child site\ndocs_dir: null\nuse_directory_urls: null\n", encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 0 and result.stderr.startswith("1 cases, "), result.output  # the options of the mapping form
    paths, site = project_settings(root)
    assert paths.content == "content" and site.directory_urls is True  # null: the default, as MkDocs reads it
    assert site.headings.permalink  # toc's options in the mapping form
    result = run_cli("generate", str(tmp_path / "tree"), "--project", str(root))
    assert result.exit_code == 0, result.output
    tree = yaml.safe_load((tmp_path / "tree" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert tree["plugins"] == {"tags": {}}  # the same form, without this plugin


def test_the_settings_files_are_mkdocs_yml_and_its_inheritance_chain(sample) -> None:
    from site_builder.engine.settings import settings_files

    root = sample()
    assert settings_files(root / "mkdocs.yml") == [(root / "mkdocs.yml").resolve()]
    base = _inheriting(root)
    assert settings_files(root / "mkdocs.yml") == [(root / "mkdocs.yml").resolve(), base.resolve()]
    base.write_text("INHERIT: ../mkdocs.yml\n", encoding="utf-8")  # a loop ends the chain
    assert settings_files(root / "mkdocs.yml") == [(root / "mkdocs.yml").resolve(), base.resolve()]


@pytest.mark.parametrize("variables", [{}, {"SB_TEST_BASE": "config/other.yml", "SB_TEST_URL": "https://env.example.org/", "SB_TEST_NAME": "Named"}])
def test_env_tags_in_settings_read_as_mkdocs_own_loader_reads_them(sample, monkeypatch, variables: dict) -> None:
    """MkDocs' loader is the reference: !ENV with a default, without one, and naming the file INHERIT follows."""
    from mkdocs.utils.yaml import yaml_load

    from site_builder.engine.settings import read_mkdocs_yml

    root = sample()
    base = _inheriting(root)
    (base.parent / "other.yml").write_text(base.read_text(encoding="utf-8") + "copyright: From the other base\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "INHERIT: !ENV [SB_TEST_BASE, config/base.yml]\nsite_url: !ENV [SB_TEST_UNSET, SB_TEST_URL, 'https://default.example.org/']\n"
        "site_name: !ENV SB_TEST_NAME\n",
        encoding="utf-8",
    )
    for name in ("SB_TEST_BASE", "SB_TEST_URL", "SB_TEST_NAME", "SB_TEST_UNSET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with (root / "mkdocs.yml").open("rb") as file:
        want = yaml_load(file)
    got = read_mkdocs_yml(root / "mkdocs.yml")
    assert {k: got.get(k) for k in ("site_url", "site_name", "copyright", "plugins")} == {k: want.get(k) for k in ("site_url", "site_name", "copyright", "plugins")}
    assert got["site_url"] == variables.get("SB_TEST_URL", "https://default.example.org/")
    assert ("copyright" in got) == bool(variables)


@pytest.mark.parametrize(("change", "where", "message"), [
    ("directory", "mkdocs.yml:1:10: error: INHERIT: ", "the inherited file 'config/base.yml' is not a file at "),  # at its value
    ("missing", "mkdocs.yml:1:10: error: INHERIT: ", "the inherited file 'config/base.yml' does not exist at "),
    ("empty", "mkdocs.yml:2:1: error: INHERIT: ", "expected the path of the configuration file to inherit"),  # no value: at the key
    ("loop", "base.yml:3:10: error: INHERIT: ", "'../mkdocs.yml' makes a loop of inherited files"),
    ("not yaml", "base.yml:2:1: error: -: ", "invalid YAML: "),
])
def test_an_inherited_settings_file_that_cannot_be_read_is_a_located_error(sample, change: str, where: str, message: str) -> None:
    root = sample()
    base = _inheriting(root)
    if change in ("missing", "directory"):
        base.unlink()
        if change == "directory":
            base.mkdir()
    elif change == "empty":  # the key with no value: not the same as no INHERIT at all
        (root / "mkdocs.yml").write_text("site_name: Child site\nINHERIT:\n", encoding="utf-8")
    elif change == "loop":  # the key after a comment and a blank line, its value quoted
        base.write_text("# the base settings\n\nINHERIT: '../mkdocs.yml'\n" + base.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        base.write_text("site_name: [open\n", encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert where in line and message in line, line
    assert line.startswith(str(base if change not in ("missing", "empty", "directory") else root / "mkdocs.yml") + ":"), line


def test_validate_one_file_checks_only_that_file_against_the_project(sample) -> None:
    root = sample()
    broken = (root / CASE).read_text(encoding="utf-8").replace("id: sample-case", "id: other-case").replace("  age: 30", "  age: thirty")
    (root / "cases" / "other-case.yaml").write_text(broken, encoding="utf-8")
    result = run_cli("validate", str(root / CASE))
    assert result.exit_code == 0, result.output
    assert "1 case files and 0 pages checked: 0 errors" in result.stderr
    result = run_cli("validate", str(root / "cases" / "other-case.yaml"))
    assert result.exit_code == 1
    assert [(p["path"], p["line"], p["field"]) for p in problems_of(result.stdout)] == [("cases/other-case.yaml", "13", "patient.age")]


def test_validate_takes_several_files_and_folders(sample) -> None:
    root = sample()
    edit(root, "content/index.md", "[@roe2023preprint]", "[@ghost2001]")
    edit(root, CASE, "  age: 30", "  age: 95")
    result = run_cli("validate", str(root / "cases"), str(root / "content" / "index.md"), str(root / "references.bib"))
    assert result.exit_code == 1
    assert sorted((p["path"], p["field"]) for p in problems_of(result.stdout)) == [("cases/sample-case.yaml", "patient.age"), ("content/index.md", "body")]
    result = run_cli("validate", str(root / "content" / "indications" / "eczema.md"))
    assert result.exit_code == 0 and "0 errors" in result.stderr, "other pages' problems are not this page's"


def test_validate_a_file_outside_the_inputs_says_it_was_not_checked(sample) -> None:
    root = sample()
    result = run_cli("validate", str(root / "mkdocs.yml"))
    assert result.exit_code == 0 and "1 cases, 1 indications" in result.stderr, "mkdocs.yml stands for the whole project"
    (root / "notes.txt").write_text("x", encoding="utf-8")
    result = run_cli("validate", str(root / "notes.txt"))
    assert result.exit_code == 0 and "notes.txt: not checked" in result.stderr


def test_validate_one_file_from_inside_the_project(sample, monkeypatch) -> None:
    root = sample()
    monkeypatch.chdir(root / "cases")
    result = run_cli("validate", "sample-case.yaml")
    assert result.exit_code == 0 and "1 case files" in result.stderr


def test_a_problem_line_keeps_its_form_whatever_the_field_holds() -> None:
    """A colon or line break in a field path or message cannot split the line that editors and CI parse."""
    from conftest import PROBLEM_RE
    from site_builder.records.model import Problem, Severity

    line = str(Problem("cases/x.yaml", 3, 1, Severity.error, "a:b\nc", "first\nsecond"))
    match = PROBLEM_RE.match(line)
    assert match and match["field"] == "a%3Ab c" and match["message"] == "first second", line


@pytest.mark.parametrize("module", ["site_builder", "site_builder.cli"])
def test_python_dash_m_runs_the_command(sample, module: str) -> None:  # noqa: ANN001
    """`python -m site_builder` (and `.cli`) is the installed command: the same checks and the same exit status."""
    import subprocess
    import sys

    good = sample()
    result = subprocess.run([sys.executable, "-m", module, "validate", str(good)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    case = next((good / "cases").glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8").replace("indication:", "indication: [", 1), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", module, "validate", str(good)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and PROBLEM_RE.match(result.stdout.splitlines()[0]), result.stdout + result.stderr
    assert "Usage: site-builder" in subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.parametrize(("text", "where"), [
    ("INHERIT: a.yml\nsite_name: x\nINHERIT: b.yml\n", (3, 10)),  # given twice: the loader keeps the last
    ("site_name: x\nINHERIT: ''\n", (2, 10)),  # an empty string is a value
    ("site_name: x\nINHERIT:\n", (2, 1)),  # no value: the key
    ("- a list\n", (1, 1)),
    ("a: 1\n---\nb: 2\n", (1, 1)),  # two documents: not a settings file MkDocs reads
])
def test_a_wrong_inherit_is_located_where_the_loader_took_its_value(tmp_path: Path, text: str, where: tuple[int, int]) -> None:
    from site_builder.engine.settings import _value_mark

    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    assert _value_mark(path, "INHERIT") == where
