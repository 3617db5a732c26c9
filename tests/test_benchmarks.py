"""The benchmark harness runs end to end at 100 records (no timing is asserted: figures belong in the report)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.run import main


def test_harness_smoke_run_measures_every_stage_at_100_records(tmp_path: Path) -> None:
    assert main(["--smoke", "--workdir", str(tmp_path), "--pairs-at", "100", "--pairs", "2"]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    (run,) = results["runs"]
    assert run["n"] == 100 and run["corpus"]["after"]["cases"] == 100
    for stage in ("after/validate", "after/validate-again", "after/build", "after/generate", "after/mkdocs-plain", "after/plain-index",
                  "after/index-alone", "after/yaml-events"):
        assert run["stages"][stage]["returncode"] == 0
        assert run["stages"][stage]["peak_mb"] > 0
    # the plugin build and the plain build of the generated tree write the same pages
    assert run["sizes"]["after"]["html_pages"] == run["sizes"]["mkdocs-plain"]["html_pages"] > 100
    # --pairs 2: both builds and the index ran once more, and the comparison takes the median ratio of the two rounds
    (again,) = run["repeats"]
    assert {stage: result["returncode"] for stage, result in again.items()} == {"after/build": 0, "after/mkdocs-plain": 0, "after/plain-index": 0}
    # the index made again alone: Pagefind's own seconds, read from the command's summary line
    assert 0 < run["extra"]["index_alone_pagefind_s"] <= run["stages"]["after/index-alone"]["seconds"]
    assert 0 <= run["extra"]["yaml_events_s"] <= run["stages"]["after/yaml-events"]["seconds"]  # as the script printed it
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "/ plain MkDocs build (no search) of the same generated pages, 100 records, the median ratio of the 2 rounds in which both ran" in report
    assert "the plain build followed by `site-builder index` (both sites then searchable), 100 records" in report


def test_validate_stages_prints_each_step_of_a_files_check(capsys) -> None:  # noqa: ANN001
    import gc

    from benchmarks.validate_stages import main as stages
    from conftest import ROOTS

    assert stages(["--project", str(ROOTS / "minimal"), "--files", "1", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 case files of ") and "(1 valid)" in out
    for step in ("YAML load with positions", "privacy screen", "citations", "check, whole", "main process: entry read back"):
        assert step in out
    assert gc.isenabled()  # left as it was: the tests run in one process


def test_the_plugin_and_plain_comparison_takes_the_median_of_each_rounds_ratio() -> None:
    from benchmarks.report import targets

    def stage(seconds: float, cpu: float | None = None, returncode: int = 0) -> dict[str, object]:
        return {"seconds": seconds, "user_s": seconds if cpu is None else cpu, "sys_s": 0.0, "peak_mb": 1.0, "returncode": returncode, "timed_out": False}

    def rows(run: dict[str, object]) -> dict[str, tuple[str, str, bool | None]]:
        found = {r[0].split(",")[0]: r for r in targets({"runs": [run]}) if "plain MkDocs build" in r[0] or r[0].startswith("the same, the plain build")}
        return {("plain" if k.startswith("plugin") else "plain+index"): (r[0], r[2], r[5]) for k, r in found.items()}

    first = {"after/build": stage(5.0, 6.0), "after/mkdocs-plain": stage(3.0), "after/plain-index": stage(1.0)}
    run = {"label": "n100", "n": 100, "sizes": {}, "browser": {}, "stages": first,
           "repeats": [{"after/build": stage(3.3), "after/mkdocs-plain": stage(3.1), "after/plain-index": stage(1.0)},
                       {"after/build": stage(3.0), "after/mkdocs-plain": stage(2.9), "after/plain-index": stage(1.2, returncode=1)},
                       {"after/build": stage(1.0), "after/mkdocs-plain": stage(9.0, returncode=1)}]}
    found = rows(run)
    # build / plain in each of the 3 rounds where both ran: 5.0/3.0, 3.3/3.1, 3.0/2.9 (1.67, 1.06, 1.03), median 1.06
    # (the medians of each stage, 3.3/3.0, would say 1.10); CPU 6.0/3.0, 1.06, 1.03; the 4th round's build is left out
    # with its failed plain build
    what, figure, ok = found["plain"]
    assert what.endswith("100 records, the median ratio of the 3 rounds in which both ran") and figure == "1.06 wall, 1.06 CPU" and ok is True
    # with the index: the 2 rounds where all three ran, 5.0/(3.0 + 1.0) and 3.3/(3.1 + 1.0): 1.25 and 0.80, median
    # 1.03; CPU 6.0/4.0 and 0.80, median 1.15
    what, figure, ok = found["plain+index"]
    assert what.endswith("the median ratio of the 2 rounds in which all three ran") and figure == "1.03 wall, 1.15 CPU"
    run.pop("repeats")  # the first round alone: 5.0 / 3.0
    what, figure, ok = rows(run)["plain"]
    assert what.endswith("100 records") and figure == "1.67 wall, 2.00 CPU" and ok is False


def test_a_failed_round_is_a_failed_stage_of_the_report() -> None:
    from benchmarks.report import stages_run

    ok = {"returncode": 0, "timed_out": False}
    run = {"stages": {"after/build": ok}, "repeats": [{"after/build": ok, "after/mkdocs-plain": {"returncode": 1, "timed_out": False}}]}
    assert [(key, s["returncode"]) for key, s in stages_run(run)] == [("after/build", 0), ("after/build", 0), ("after/mkdocs-plain", 1)]


def test_a_round_without_cpu_time_leaves_only_its_cpu_ratio_out() -> None:
    from benchmarks.report import _pair_ratios

    def stage(seconds: float, cpu: float) -> dict[str, object]:
        return {"seconds": seconds, "user_s": cpu, "sys_s": 0.0, "peak_mb": 1.0, "returncode": 0, "timed_out": False}

    run = {"stages": {"after/build": stage(4.0, 4.0), "after/mkdocs-plain": stage(2.0, 0.0)},
           "repeats": [{"after/build": stage(3.0, 3.0), "after/mkdocs-plain": stage(3.0, 2.0)}]}
    wall, cpu, rounds = _pair_ratios(run, ("after/build", "after/mkdocs-plain"))
    assert (wall, cpu, rounds) == (1.5, 1.5, 2)  # wall: median of 2.0 and 1.0; CPU: 3.0 / 2.0 alone


def test_the_events_floor_reads_the_files_validate_reads_and_fails_on_a_bad_one(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    import shutil

    from benchmarks.floors import main as floors, record_files
    from conftest import ROOTS

    root = tmp_path / "project"
    shutil.copytree(ROOTS / "minimal", root)
    (root / "cases" / "nested").mkdir()
    (root / "cases" / "nested" / "more.yml").write_text("id: more\n", encoding="utf-8")
    (root / "cases" / "_template.yaml").write_text("id: left out\n", encoding="utf-8")  # validate skips names starting with '_'
    (root / "studies").mkdir()
    (root / "studies" / "s.yaml").write_text("id: s\n", encoding="utf-8")
    from site_builder.records.load import case_paths

    expected = case_paths(root / "cases") + case_paths(root / "studies")
    assert record_files(root) == expected and len(expected) == 3
    for processes in ("1", "2"):
        assert floors([str(root), "--processes", processes]) == 0
        assert capsys.readouterr().out.startswith(f"the YAML events of 3 record files pulled through libyaml in {processes} processes: ")
    (root / "cases" / "bad.yaml").write_text("a: [\n", encoding="utf-8")
    assert floors([str(root), "--processes", "1"]) == 1
    assert "a record file is not YAML, so there is no floor to measure" in capsys.readouterr().err
    import gc

    assert gc.isenabled()  # left as it was, after a bad file too: the tests run in one process


def test_the_parts_section_sets_each_part_against_its_target() -> None:
    from benchmarks.report import floors

    def stage(seconds: float, peak_mb: float, returncode: int = 0) -> dict[str, object]:
        return {"seconds": seconds, "user_s": seconds, "sys_s": 0.0, "peak_mb": peak_mb, "returncode": returncode, "timed_out": False}

    r1k = {"label": "n1000", "n": 1000, "extra": {"index_alone_pagefind_s": 2.5, "yaml_events_s": 0.5},
           "stages": {"before/validate": stage(6.0, 1), "before/build": stage(34.0, 1), "after/validate": stage(1.0, 1), "after/build": stage(9.0, 1),
                      "after/index-alone": stage(3.0, 500), "after/yaml-events": stage(0.9, 40)}}
    r10k = {"label": "n10000", "n": 10000, "extra": {"index_alone_pagefind_s": 30.0, "yaml_events_s": 3.0},
            "stages": {"after/index-alone": stage(31.0, 2048), "after/yaml-events": stage(6.0, 50, returncode=1), "after/validate": stage(12.0, 600)}}
    ratio, memory, validate = floors({"runs": [r1k, r10k]})
    # 0.15 of (6 + 34) s allows 6.0 s; Pagefind's own 2.5 s and the events' 0.5 s (not the stages' 3.0 s and 0.9 s) take 3.0 s,
    # which leaves 3.0 s; validate + build took 10.0 s, 7.0 s of it beyond the parts
    assert ratio[1] == "6.0 s (0.15 × 40.0 s)"
    assert ratio[2].endswith("(`site-builder index`, as the build ends): 2.5 s; "
                             "libyaml's events of the record files, pulled alone (`python -m benchmarks.floors`): 0.5 s")
    assert ratio[3] == "3.0 s together, 0.50 × the allowance; 3.0 s left for the rest, which took 7.0 s here"
    assert memory[3] == "2.00 × the target by itself"
    assert validate[2].endswith(": not measured") and validate[3] == "–"  # a failed stage is no figure
    r10k["stages"]["after/yaml-events"] = stage(3.4, 50)
    assert floors({"runs": [r1k, r10k]})[2][3] == "0.60 × the target; 2.0 s left for the rest, which took 9.0 s here"
    assert [row[3] for row in floors({"runs": []})] == ["–", "–", "–"]
