"""`site-builder validate` on sample projects: each bad input gives a clear, located error and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PROJECT, problems_of, run_cli

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


def test_repository_validates() -> None:
    result, problems = validate(PROJECT)
    assert result.exit_code == 0, result.stdout
    assert [p for p in problems if p["severity"] == "error"] == []


# (file, old text, new text, expected path, line, column, field, words in the message)
BAD_INPUTS = {
    "malformed yaml": (CASE, "title: Hand eczema treated on one side", "title: [unclosed", CASE, 5, None, "-", "invalid YAML"),
    "wrong type": (CASE, "  age: 30", "  age: thirty", CASE, 13, 8, "patient.age", "valid integer"),
    "missing required field": (CASE, "diagnosis: Atopic dermatitis.\n", "", CASE, 2, 1, "diagnosis", "required field is missing"),
    "unknown key": (CASE, "  sex: female", "  sex: female\n  sexx: female", CASE, 15, 3, "patient.sexx", "unknown field 'sexx'"),
    "id does not match file": (CASE, "id: sample-case", "id: other-case", CASE, 3, 5, "id", "must equal the file name"),
    "id not a slug": (CASE, "id: sample-case", "id: Sample_Case", CASE, 3, 5, "id", "should match pattern"),
    "unknown indication": (CASE, "indication: eczema", "indication: warts", CASE, 5, 13, "indication", "unknown indication 'warts'"),
    "unknown citation key": (CASE, "[@doe2020sample].\ndiagnosis", "[@nobody1999].\ndiagnosis", CASE, 15, 15, "presentation", "unknown citation key 'nobody1999'"),
    "unknown source key": (CASE, "citation: doe2020sample", "citation: nobody1999", CASE, None, None, "source.citation", "unknown citation key 'nobody1999'"),
    "malformed citation span": (CASE, "[@doe2020sample].\ndiagnosis", "[@doe2020sample.\ndiagnosis", CASE, 15, 15, "presentation", "malformed or unterminated citation"),
    "age above 89": (CASE, "  age: 30", "  age: 95", CASE, 13, 8, "patient.age", "less than or equal to 89"),
    "two key outcomes": (CASE, "    key: true", "    key: true\n  - description: Second.\n    assessed_by: patient\n    key: true", CASE, None, None, "outcomes", "at most one outcome"),
    "bad enum value": (CASE, "  status: none-reported", "  status: none", CASE, None, None, "adverse_events.status", "'none-reported', 'reported' or 'not-stated'"),
    "timeline needs day or week": (CASE, "    - week: 6\n", "    - month: 6\n", CASE, None, None, "timeline.events[1].month", "unknown field 'month'"),
    "duplicate yaml key": (CASE, "  sex: female", "  sex: female\n  sex: male", CASE, 15, 3, "-", "duplicate key 'sex'"),
    "alias bomb": (CASE, "title: Hand eczema treated on one side", 'title: &a "lol"\nx: [*a, *a, *a, *a]', CASE, 5, 5, "-", "anchors and aliases are not allowed"),
    "calendar date": (CASE, "    timepoint: week 2", "    timepoint: 2024-03-01", CASE, None, None, "outcomes[0].timepoint", "valid string"),
    "broken bibtex": ("references.bib", "  volume = {1},", "  volume = {1,", "references.bib", 1, 1, "-", "could not be parsed"),
    "duplicate bibtex key": ("references.bib", "@article{roe2023preprint,", "@article{doe2020sample,", "references.bib", 11, 1, "doe2020sample", "duplicate citation key"),
    "bibtex missing field": ("references.bib", "  journal = {Journal of Samples},\n", "", "references.bib", 1, 1, "doe2020sample.journal", "needs field 'journal'"),
    "bibtex bad doi": ("references.bib", "doi = {10.1234/sample.2020.1}", "doi = {https://doi.org/10.1234/x}", "references.bib", 1, 1, "doe2020sample.doi", "is not a DOI"),
    "unknown key in page": ("content/index.md", "[@roe2023preprint]", "[@ghost2001]", "content/index.md", 7, 29, "body", "unknown citation key 'ghost2001'"),
    "malformed span in page": ("content/index.md", "[@roe2023preprint]", "[@roe2023preprint", "content/index.md", 7, 29, "body", "unterminated"),
    "indication front matter": ("content/indications/eczema.md", "plain_name: Itchy, dry skin", "plain_nam: Itchy", "content/indications/eczema.md", 3, 1, "front matter.plain_nam", "unknown field"),
    "indication unknown literature": ("content/indications/eczema.md", "[roe2023preprint]", "[ghost2001]", "content/indications/eczema.md", 6, 14, "front matter.literature[0]", "unknown citation key"),
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
    assert registered == {p.stem for p in (PROJECT / "cases").glob("*.yaml")}


def test_invalid_plugin_options_are_reported_without_traceback(sample) -> None:
    root = sample()
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - site-builder\n", "  - site-builder:\n      last_reviewed: yesterday\n"), encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert "mkdocs.yml:1:1: error: plugins.site-builder: last_reviewed: expected a date as YYYY-MM-DD, found 'yesterday'" in result.stderr
