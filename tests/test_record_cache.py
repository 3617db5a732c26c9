"""The record cache: a load that reuses checked files reports exactly what a cold load reports, and a changed,
renamed or differently configured file is checked again."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOTS
from site_builder.project import Project, ProjectPaths, load_project
from site_builder.records.checks import CACHE

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
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("year = {2020}", "year = {20x0}", 1), encoding="utf-8")
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
    switch, set_to = sys.getswitchinterval(), []
    real = sys.setswitchinterval
    monkeypatch.setattr(sys, "setswitchinterval", lambda interval: set_to.append(interval) or real(interval))
    pooled = cold(paths)
    assert set_to[:1] == [site_builder.project.HANDOFF_SWITCH], "shortened while the pool runs"
    assert sys.getswitchinterval() == switch, "the process's thread switch interval as it was"
    assert problems(pooled) == problems(alone) != []
    assert pooled.cases.keys() == alone.cases.keys() and pooled.cases["other-case"] == alone.cases["other-case"]


def test_a_pooled_load_that_fails_sets_the_thread_switch_interval_back(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import site_builder.project

    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    monkeypatch.setattr(site_builder.project, "POOL_MIN", 2)

    def fails(project: Project, disk: object = None) -> None:
        raise RuntimeError("the bibliography's load fails")

    monkeypatch.setattr(site_builder.project, "_load_bibliography", fails)  # after the pool started, inside the load
    switch = sys.getswitchinterval()
    with pytest.raises(RuntimeError, match="bibliography"):
        cold(ProjectPaths(project_with_problems(tmp_path)))
    assert sys.getswitchinterval() == switch and site_builder.project.SHORT_SWITCH.users == 0


@pytest.mark.parametrize("switch", [0.005, 0.007, 0.0123456, 0.0001])
def test_loads_that_overlap_leave_the_thread_switch_interval_as_they_found_it(switch: float) -> None:
    from site_builder.project import HANDOFF_SWITCH, _ShortSwitch

    before, short = sys.getswitchinterval(), _ShortSwitch()
    try:
        sys.setswitchinterval(switch)
        switch = sys.getswitchinterval()  # in whole microseconds, as CPython keeps it
        short.shorten()  # one load's pool starts
        short.shorten()  # another's, in another thread
        short.restore()  # the first load ends: the second's workers still run
        assert sys.getswitchinterval() == min(switch, HANDOFF_SWITCH)  # an interval shorter already is left alone
        short.restore()
        assert sys.getswitchinterval() == switch
    finally:
        sys.setswitchinterval(before)


def validate_cli(root: Path, cache: Path, **env: str):  # noqa: ANN201 - a finished process
    """site-builder validate in a process of its own (as a user runs it twice), with the cache in cache."""
    import os
    import subprocess

    environment = {**os.environ, "SITE_BUILDER_CACHE_DIR": str(cache), **env}
    command = [shutil.which("site-builder") or "site-builder", "validate", str(root)]
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=False)


def test_a_second_validate_run_reads_the_disk_cache_and_reports_the_same(tmp_path: Path) -> None:
    root, cache = project_with_problems(tmp_path), tmp_path / "cache"
    first = validate_cli(root, cache)
    assert first.returncode == 1 and "duplicate id" in first.stdout and "12/03/2024" in first.stdout
    files = list(cache.glob("*.jsonl"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8").count('{"key": ["case"') == 3
    assert not list(root.rglob("*.jsonl"))  # nothing written inside the project
    second = validate_cli(root, cache)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    (file,) = files
    file.write_text(file.read_text(encoding="utf-8").replace("possible calendar date", "possible CACHED date"), encoding="utf-8")
    assert "possible CACHED date" in validate_cli(root, cache).stdout  # the second run read its results from the cache
    uncached = validate_cli(root, tmp_path / "other", SITE_BUILDER_CACHE="off")
    assert (uncached.returncode, uncached.stdout) == (first.returncode, first.stdout)
    assert not (tmp_path / "other").exists()


def test_a_run_that_adds_nothing_to_the_cache_file_leaves_it_as_it_was_but_marks_it_used(tmp_path: Path) -> None:
    import os

    root, cache = project_with_problems(tmp_path), tmp_path / "cache"
    validate_cli(root, cache)
    (file,) = cache.glob("*.jsonl")
    os.utime(file, (1, 1))
    written = (file.stat().st_ino, file.read_bytes())
    validate_cli(root, cache)
    assert (file.stat().st_ino, file.read_bytes()) == written, "not written again"
    assert file.stat().st_mtime > 1, "the most recently used file: kept when the oldest go"
    path = root / "cases" / "other-case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("12/03/2024", "12/03/2025"), encoding="utf-8")
    validate_cli(root, cache)
    assert file.stat().st_ino != written[0] and "12/03/2025" in file.read_text(encoding="utf-8")


def test_a_cache_file_of_another_code_version_is_replaced_even_by_an_empty_one(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from site_builder.records.diskcache import DiskCache

    monkeypatch.setenv("SITE_BUILDER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SITE_BUILDER_CACHE", raising=False)
    disk = DiskCache(tmp_path)
    disk.file.parent.mkdir(parents=True)
    disk.file.write_text('{"version": "old"}\n{"key": ["case", "x"]}\n', encoding="utf-8")
    DiskCache(tmp_path).save({})
    assert disk.file.read_text(encoding="utf-8") == f'{{"version": "{disk.version}"}}\n'
    DiskCache(tmp_path).save({("case", "x"): '{"key": ["case", "x"], "bad": "\ud800"}', ("case", "y"): '{"key": ["case", "y"]}'})
    assert disk.file.read_text(encoding="utf-8").splitlines()[1:] == ['{"key": ["case", "y"]}'], "an entry UTF-8 cannot hold is left out"


def test_the_disk_cache_notices_a_changed_file_and_a_tampered_cache(tmp_path: Path) -> None:
    root, cache = project_with_problems(tmp_path), tmp_path / "cache"
    validate_cli(root, cache)
    path = root / "cases" / "other-case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("12/03/2024", "12/03/2025"), encoding="utf-8")
    changed = validate_cli(root, cache)
    assert "12/03/2025" in changed.stdout and "12/03/2024" not in changed.stdout
    (file,) = cache.glob("*.jsonl")
    lines = file.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join([lines[0], *(line.replace('"problems": [[', '"problems": [["x", "y"') for line in lines[1:])]) + "\n", encoding="utf-8")
    assert validate_cli(root, cache).stdout == changed.stdout  # an entry that cannot be read is checked again
    file.write_text('{"version": "another"}\n' + "\n".join(lines[1:]) + "\n", encoding="utf-8")
    assert validate_cli(root, cache).stdout == changed.stdout


def test_the_bibliography_comes_back_from_the_disk_cache_as_read(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from site_builder.records.diskcache import DiskCache

    monkeypatch.setenv("SITE_BUILDER_CACHE_DIR", str(tmp_path / "cache"))
    root = project_with_problems(tmp_path)
    first = load_project(ProjectPaths(root), disk_cache=True)
    assert any(p.path == "references.bib" and "is not a year" in p.message for p in first.problems)
    disk = DiskCache(root)
    (key,) = [k[1:] for k in disk.lines if k[0] == "bibliography"]
    references, problems = disk.bibliography(key)
    assert references == first.references and [r.raw for r in references.values()] == [r.raw for r in first.references.values()]
    assert [p for p in first.problems if p.path == "references.bib"] == problems


def test_a_changed_bibliography_is_read_again(tmp_path: Path) -> None:
    root = project_with_problems(tmp_path)
    paths = ProjectPaths(root)
    first = cold(paths)
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("year = {20x0}", "year = {2020}"), encoding="utf-8")
    fixed = load_project(paths)
    assert any(p.path == "references.bib" for p in first.problems) and not any(p.path == "references.bib" for p in fixed.problems)
    assert problems(fixed) == problems(cold(paths))


def test_a_checked_file_passed_as_its_cache_entry_reads_back_as_the_same_check(tmp_path: Path) -> None:
    """Worker processes send each checked file back as its disk-cache entry: read back, it is the check itself."""
    from site_builder.records.diskcache import entry, read_entry
    from site_builder.records.checks import check_record_data, record_key

    root = project_with_problems(tmp_path)
    shutil.copytree(ROOTS / "with-study" / "studies", root / "studies")
    files = [(kind, path) for kind, folder in (("case", "cases"), ("study", "studies")) for path in sorted((root / folder).rglob("*.yaml"))]
    assert {kind for kind, _ in files} == {"case", "study"}
    for kind, path in files:
        raw, display = path.read_bytes(), path.relative_to(root).as_posix()
        key = record_key(kind, display, path, "error", raw)
        check, data = check_record_data(path, display, kind, "error", raw)
        line = entry(key, check, data)
        assert line is not None
        back = read_entry(key, line)
        assert back == check  # the record, its positions, cited keys and every problem
        assert read_entry((*key[:-1], "another hash"), line) is None
        assert check.loaded is None or entry(key, check, None) is None  # data JSON cannot hold exactly: no entry


def test_names_shown_for_many_files_are_what_display_gives_each(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "cases" / "deeper").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "folder").mkdir(parents=True)
    for path in (root / "cases" / "a.yaml", root / "cases" / "deeper" / "b.yaml", elsewhere / "c.yaml", elsewhere / "folder" / "d.yaml"):
        path.write_text("id: x\n", encoding="utf-8")
    (root / "cases" / "linked.yaml").symlink_to(elsewhere / "c.yaml")
    (root / "cases" / "linked-folder").symlink_to(elsewhere / "folder")
    (root / "cases" / "inside.yaml").symlink_to(root / "cases" / "deeper" / "b.yaml")
    paths = ProjectPaths(root)
    folder = root / "cases"
    files = [folder / "a.yaml", folder / "deeper" / "b.yaml", folder / "linked.yaml", folder / "linked-folder" / "d.yaml", folder / "inside.yaml"]
    assert paths.displays(folder, files) == [paths.display(path) for path in files]
    assert paths.displays(folder, files)[:2] == ["cases/a.yaml", "cases/deeper/b.yaml"]
    assert paths.displays(folder, files)[4] == "cases/deeper/b.yaml"
    linked_root = tmp_path / "linked-root"
    linked_root.symlink_to(root)
    through = ProjectPaths(linked_root)
    files = [linked_root / "cases" / "a.yaml", linked_root / "cases" / "linked.yaml"]
    assert through.displays(linked_root / "cases", files) == [through.display(path) for path in files]


def mkdocs_build_with_cache(root: Path, site: Path, cache: Path, **env: str):  # noqa: ANN201 - a finished process
    """mkdocs build of a project (not --strict: the project may hold problems), with validate's disk cache in cache."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_BUILDER_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1764115200", **env}
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)


def test_a_build_after_validate_reads_its_disk_cache(tmp_path: Path) -> None:
    root, cache = project_with_problems(tmp_path), tmp_path / "cache"
    validate_cli(root, cache)
    (file,) = cache.glob("*.jsonl")
    file.write_text(file.read_text(encoding="utf-8").replace("possible calendar date", "possible CACHED date"), encoding="utf-8")
    cached = mkdocs_build_with_cache(root, tmp_path / "site", cache)
    assert "possible CACHED date" in cached.stderr and "possible calendar date" not in cached.stderr
    fresh = mkdocs_build_with_cache(root, tmp_path / "site-fresh", tmp_path / "other", SITE_BUILDER_CACHE="off")
    assert "possible calendar date" in fresh.stderr and not (tmp_path / "other").exists()


def test_generate_after_validate_reads_its_disk_cache(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root, cache = project_with_problems(tmp_path), tmp_path / "cache"
    validate_cli(root, cache)
    (file,) = cache.glob("*.jsonl")
    file.write_text(file.read_text(encoding="utf-8").replace("possible calendar date", "possible CACHED date"), encoding="utf-8")
    command = [sys.executable, "-m", "site_builder", "generate", str(tmp_path / "tree"), "--project", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SITE_BUILDER_CACHE_DIR": str(cache)}, check=False)
    assert "possible CACHED date" in result.stderr and "possible calendar date" not in result.stderr


def test_a_build_from_the_disk_cache_writes_the_site_a_fresh_build_writes(tmp_path: Path) -> None:
    root, cache = tmp_path / "project", tmp_path / "cache"
    shutil.copytree(ROOTS / "with-study", root)
    assert validate_cli(root, cache).returncode == 0
    (file,) = cache.glob("*.jsonl")
    assert file.read_text(encoding="utf-8").count('{"key": ["study"') >= 1
    built = {}
    for name, env in (("cached", {}), ("fresh", {"SITE_BUILDER_CACHE": "off"})):
        result = mkdocs_build_with_cache(root, tmp_path / name, cache, **env)
        assert result.returncode == 0, result.stderr
        built[name] = {p.relative_to(tmp_path / name).as_posix(): p.read_bytes() for p in sorted((tmp_path / name).rglob("*")) if p.is_file()}
    assert len(built["cached"]) > 10 and built["cached"] == built["fresh"]


def test_the_record_files_found_are_what_rglob_finds_in_its_order(tmp_path: Path) -> None:
    """case_paths walks with os.scandir; pathlib's rglob is the reference: hidden and odd names, a file's link followed,
    a folder's link and a broken link left out, files of other kinds and '_'-prefixed ones skipped, sorted by parts."""
    from site_builder.records.load import case_paths

    folder = tmp_path / "cases"
    for rel in ("a/1.yml", "a-b/2.yaml", "sub/deep/z.yaml", ".hidden/h.yaml", "x.yaml", "_skipped.yaml", ".yaml", "..yaml", "a..yaml", "notes.txt", "x.YAML"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("id: x\n", encoding="utf-8")
    (folder / "d.yaml").mkdir()
    (folder / "linked-folder").symlink_to(folder / "sub")
    (folder / "linked.yaml").symlink_to(folder / "x.yaml")
    (folder / "broken.yaml").symlink_to(folder / "nowhere.yaml")
    expected = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith("_"))
    assert case_paths(folder) == expected
    assert [p.relative_to(folder).as_posix() for p in expected][:4] == ["..yaml", ".hidden/h.yaml", "a/1.yml", "a-b/2.yaml"]
    assert case_paths(tmp_path / "missing") == []
