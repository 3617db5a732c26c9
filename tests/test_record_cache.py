"""The record cache: a load that reuses checked files reports exactly what a cold load reports, and a changed,
renamed or differently configured file is checked again."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOTS
from site_builder.project import Project, ProjectPaths, load_project
from site_builder.records import CACHE

CASE = "cases/sample-case.yaml"


def cold(paths: ProjectPaths) -> Project:
    CACHE.clear()
    return load_project(paths)


def problems(project: Project) -> list[str]:
    return [str(p) for p in project.problems]


def project_with_problems(tmp_path: Path) -> Path:
    """The minimal sample with a second case that has its own problems (privacy, raw HTML, a missing locator, an
    unknown citation key) and a third that repeats the first one's id."""
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "minimal", root)
    text = (root / CASE).read_text(encoding="utf-8")
    bad = text.replace("id: sample-case", "id: other-case").replace(
        "presentation: Itchy eczema on both hands [@doe2020sample].",
        "presentation: Seen on 12/03/2024 with <b>itchy</b> eczema [@nokey2020].",
    )
    assert bad != text
    (root / "cases" / "other-case.yaml").write_text(bad, encoding="utf-8")
    (root / "cases" / "more").mkdir()
    (root / "cases" / "more" / "sample-case.yaml").write_text(text, encoding="utf-8")
    return root


def test_a_warm_load_reports_what_a_cold_load_reports(tmp_path: Path) -> None:
    paths = ProjectPaths(project_with_problems(tmp_path))
    first = cold(paths)
    assert len(first.errors) >= 4 and any("duplicate id" in p.message for p in first.problems)
    warm = load_project(paths)
    assert problems(warm) == problems(first)
    assert warm.cases.keys() == first.cases.keys()
    assert warm.cases["other-case"] is first.cases["other-case"]  # reused, not loaded again


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    root = project_with_problems(tmp_path)
    paths = ProjectPaths(root)
    before = cold(paths)
    path = root / "cases" / "other-case.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("12/03/2024", "12/03/2025")  # same length: only the content tells the files apart
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    warm = load_project(paths)
    assert warm.cases["other-case"] is not before.cases["other-case"]
    assert any("12/03/2025" in p for p in problems(warm)) and not any("12/03/2024" in p for p in problems(warm))
    assert problems(warm) == problems(cold(paths))


def test_a_fixed_file_loses_its_problems(tmp_path: Path) -> None:
    root = project_with_problems(tmp_path)
    paths = ProjectPaths(root)
    assert any(p.path == "cases/other-case.yaml" for p in cold(paths).problems)
    text = (root / CASE).read_text(encoding="utf-8").replace("id: sample-case", "id: other-case")
    (root / "cases" / "other-case.yaml").write_text(text, encoding="utf-8")
    assert not any(p.path == "cases/other-case.yaml" for p in load_project(paths).problems)


def test_the_same_content_under_another_name_is_checked_as_that_file(tmp_path: Path) -> None:
    root = project_with_problems(tmp_path)
    paths = ProjectPaths(root)
    cold(paths)
    (root / "cases" / "other-case.yaml").rename(root / "cases" / "renamed.yaml")
    warm = load_project(paths)
    assert any(p.path == "cases/renamed.yaml" and p.field == "id" and "must equal the file name 'renamed'" in p.message for p in warm.problems)
    assert problems(warm) == problems(cold(paths))


def test_a_changed_setting_checks_the_files_again(tmp_path: Path) -> None:
    root = project_with_problems(tmp_path)
    strict = cold(ProjectPaths(root))
    shown = load_project(ProjectPaths(root, raw_html="shown"))
    assert any("raw HTML" in p.message for p in strict.problems)
    assert not any("raw HTML" in p.message for p in shown.problems)
    assert problems(shown) == problems(cold(ProjectPaths(root, raw_html="shown")))


def test_checking_some_files_keeps_the_others_cached(tmp_path: Path) -> None:
    root = project_with_problems(tmp_path)
    paths = ProjectPaths(root)
    full = cold(paths)
    only = load_project(paths, [root / "cases" / "other-case.yaml"])
    assert {p.path for p in only.problems} <= {"cases/other-case.yaml"}
    again = load_project(paths)
    assert problems(again) == problems(full)
    assert again.cases["sample-case"] is full.cases["sample-case"]


def test_worker_processes_report_what_one_process_reports(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import site_builder.project

    paths = ProjectPaths(project_with_problems(tmp_path))
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    alone = cold(paths)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    monkeypatch.setattr(site_builder.project, "POOL_MIN", 2)  # a pool for the three files of the sample
    pooled = cold(paths)
    assert problems(pooled) == problems(alone) != []
    assert pooled.cases.keys() == alone.cases.keys() and pooled.cases["other-case"] == alone.cases["other-case"]
