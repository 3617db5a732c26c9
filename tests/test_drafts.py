"""Drafts and publication: a new case is a draft until `site-builder publish`; a published id is withdrawn, never deleted."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import problems_of, run_cli
from sitecheck import article, mkdocs_build
from test_validate import CASE, edit

REGISTRY = "cases/published-ids.txt"


def with_registry(root: Path) -> Path:
    (root / REGISTRY).write_text("# published\nsample-case\n", encoding="utf-8")
    return root


def add_draft(root: Path, ident: str = "draft-case", *, draft: bool = True) -> Path:
    text = (root / CASE).read_text(encoding="utf-8").replace("id: sample-case", f"id: {ident}")
    path = root / "cases" / f"{ident}.yaml"
    path.write_text(text + ("draft: true\n" if draft else ""), encoding="utf-8")
    return path


def test_a_draft_is_checked_but_not_built_and_the_build_says_so(sample, tmp_path: Path) -> None:
    root = sample()
    path = add_draft(root)
    result = run_cli("validate", str(root))
    assert result.exit_code == 0 and "1 drafts, not built: cases/draft-case.yaml" in result.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("  age: 30", "  age: thirty"), encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1 and [p["path"] for p in problems_of(result.stdout)] == ["cases/draft-case.yaml"], "a draft is still checked"
    edit(root, "cases/draft-case.yaml", "  age: thirty", "  age: 30")
    build = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.stderr
    assert not (tmp_path / "site" / "cases" / "draft-case").exists()
    assert "cases/draft-case.yaml: a draft, left out of the site until 'site-builder publish draft-case'" in build.stderr
    assert "draft-case" not in article(tmp_path / "site" / "cases" / "index.html").text_content()


def test_new_case_is_a_draft_that_may_be_deleted(sample) -> None:
    root = with_registry(sample())
    made = run_cli("new-case", "--project", str(root), "--id", "new-case", "--indication", "eczema", "--citation", "doe2020sample")
    assert made.exit_code == 0, made.output
    assert "site-builder publish new-case" in made.stderr
    assert yaml.safe_load((root / "cases" / "new-case.yaml").read_text(encoding="utf-8"))["draft"] is True
    assert "new-case" not in (root / REGISTRY).read_text(encoding="utf-8")
    (root / "cases" / "new-case.yaml").unlink()
    result = run_cli("validate", str(root))
    assert result.exit_code == 0, result.stdout


def test_publish_refuses_a_case_with_errors_and_changes_nothing(sample) -> None:
    root = with_registry(sample())
    path = add_draft(root)
    edit(root, "cases/draft-case.yaml", "diagnosis: Atopic dermatitis.", "diagnosis:")
    before = path.read_text(encoding="utf-8"), (root / REGISTRY).read_text(encoding="utf-8")
    result = run_cli("publish", "draft-case", "--project", str(root))
    assert result.exit_code == 1
    assert [p["field"] for p in problems_of(result.stdout)] == ["diagnosis"]
    assert "has 1 errors; fix them, then publish" in result.stderr
    assert (path.read_text(encoding="utf-8"), (root / REGISTRY).read_text(encoding="utf-8")) == before


def test_publish_registers_the_id_and_the_case_is_built(sample, tmp_path: Path) -> None:
    root = with_registry(sample())
    path = add_draft(root)
    result = run_cli("publish", "draft-case", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert "draft" not in yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (root / REGISTRY).read_text(encoding="utf-8").splitlines()[-1] == "draft-case"
    assert run_cli("validate", str(root)).exit_code == 0
    assert run_cli("publish", "draft-case", "--project", str(root)).exit_code == 1, "already published"
    assert mkdocs_build(root / "mkdocs.yml", tmp_path / "site").returncode == 0
    assert (tmp_path / "site" / "cases" / "draft-case" / "index.html").is_file()
    assert run_cli("publish", "no-such-case", "--project", str(root)).exit_code == 1


def test_deleting_a_published_case_names_the_commands_and_withdraw_keeps_its_address(sample, tmp_path: Path) -> None:
    root = with_registry(sample())
    add_draft(root, "old-case", draft=False)
    (root / REGISTRY).write_text("sample-case\nold-case\n", encoding="utf-8")
    saved = (root / "cases" / "old-case.yaml").read_bytes()
    (root / "cases" / "old-case.yaml").unlink()
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    [problem] = problems_of(result.stdout)
    assert (problem["path"], problem["line"], problem["field"]) == (REGISTRY, "2", "old-case")
    assert "git restore cases/old-case.yaml, then site-builder withdraw old-case --reason" in problem["message"]
    (root / "cases" / "old-case.yaml").write_bytes(saved)
    result = run_cli("withdraw", "old-case", "--reason", "The source publication was retracted.", "--date", "2026-10", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert run_cli("validate", str(root)).exit_code == 0
    assert mkdocs_build(root / "mkdocs.yml", tmp_path / "site").returncode == 0
    tomb = article(tmp_path / "site" / "cases" / "old-case" / "index.html").text_content()
    assert "withdrawn on 2026-10" in tomb and "retracted" in tomb
    assert run_cli("withdraw", "old-case", "--reason", "Again.", "--project", str(root)).exit_code == 1


def test_publish_and_withdraw_a_study_register_and_keep_its_address(sample, tmp_path: Path) -> None:
    root = sample("with-study")
    registry = root / "studies" / "published-ids.txt"
    registry.write_text("# published studies\n", encoding="utf-8")
    ident = yaml.safe_load((root / "studies" / "sample-study.yaml").read_text(encoding="utf-8"))["id"]
    result = run_cli("publish", ident, "--project", str(root))
    assert result.exit_code == 0, result.output
    assert registry.read_text(encoding="utf-8").splitlines()[-1] == ident
    assert run_cli("publish", ident, "--project", str(root)).exit_code == 1, "already published"
    saved = (root / "studies" / "sample-study.yaml").read_bytes()
    (root / "studies" / "sample-study.yaml").unlink()
    [problem] = problems_of(run_cli("validate", str(root)).stdout)
    assert problem["field"] == ident and f"site-builder withdraw {ident} --reason" in problem["message"]
    (root / "studies" / "sample-study.yaml").write_bytes(saved)
    result = run_cli("withdraw", ident, "--reason", "The publication was retracted.", "--date", "2026-10", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert run_cli("validate", str(root)).exit_code == 0
    assert mkdocs_build(root / "mkdocs.yml", tmp_path / "site").returncode == 0
    tomb = article(tmp_path / "site" / "studies" / ident / "index.html").text_content()
    assert "withdrawn on 2026-10" in tomb and "retracted" in tomb
