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
                  "after/yaml-alone", "after/mkdocs-empty"):
        assert run["stages"][stage]["returncode"] == 0
        assert run["stages"][stage]["peak_mb"] > 0
    # the plugin build and the plain build of the generated tree write the same pages
    assert run["sizes"]["after"]["html_pages"] == run["sizes"]["mkdocs-plain"]["html_pages"] > 100
    # --pairs 2: both builds and the index ran once more, and the comparison takes the median ratio of the two rounds
    (again,) = run["repeats"]
    assert {stage: result["returncode"] for stage, result in again.items()} == {"after/build": 0, "after/mkdocs-plain": 0, "after/plain-index": 0}
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


def test_the_empty_tree_keeps_each_pages_front_matter_and_every_other_file(tmp_path: Path) -> None:
    from benchmarks.floors import empty_tree

    tree = tmp_path / "tree"
    (tree / "docs" / "cases").mkdir(parents=True)
    (tree / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (tree / "docs" / "index.md").write_text("---\ntitle: Home\n---\n# Home\n\nText.\n", encoding="utf-8")
    (tree / "docs" / "cases" / "a.md").write_text("# No front matter\n\n---\n\nA rule.\n", encoding="utf-8")
    (tree / "docs" / "cases" / "a.bib").write_text("@article{a,}\n", encoding="utf-8")
    assert empty_tree(tree, tmp_path / "out") == 2
    out = tmp_path / "out"
    assert (out / "docs" / "index.md").read_text(encoding="utf-8") == "---\ntitle: Home\n---\n\n"
    assert (out / "docs" / "cases" / "a.md").read_text(encoding="utf-8") == "\n"
    assert (out / "docs" / "cases" / "a.bib").read_text(encoding="utf-8") == "@article{a,}\n"
    assert (out / "mkdocs.yml").is_file()
    assert (tree / "docs" / "index.md").read_text(encoding="utf-8").endswith("Text.\n")  # the tree itself is untouched


def test_the_yaml_floor_loads_every_record_file_and_fails_on_a_bad_one(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from benchmarks.floors import main as floors

    for folder, count in (("cases", 3), ("studies", 2)):
        (tmp_path / folder).mkdir()
        for i in range(count):
            (tmp_path / folder / f"r{i}.yaml").write_text(f"id: r{i}\nlist: [1, 2]\n", encoding="utf-8")
    for processes in ("1", "2"):
        assert floors(["yaml", str(tmp_path), "--processes", processes]) == 0
        assert capsys.readouterr().out.startswith(f"5 record files loaded by yaml.CSafeLoader in {processes} processes: ")
    (tmp_path / "cases" / "bad.yaml").write_text("a: [\n", encoding="utf-8")
    import pytest
    import yaml

    with pytest.raises(yaml.YAMLError):
        floors(["yaml", str(tmp_path), "--processes", "1"])


def test_the_floors_section_adds_up_the_parts_measured_alone() -> None:
    from benchmarks.report import floors

    def stage(seconds: float, peak_mb: float) -> dict[str, object]:
        return {"seconds": seconds, "user_s": seconds, "sys_s": 0.0, "peak_mb": peak_mb, "returncode": 0, "timed_out": False}

    r1k = {"label": "n1000", "n": 1000, "stages": {"before/validate": stage(6.0, 1), "before/build": stage(34.0, 1), "after/mkdocs-empty": stage(5.0, 80),
                                                   "after/plain-index": stage(2.5, 500), "after/yaml-alone": stage(0.5, 40)}}
    r10k = {"label": "n10000", "n": 10000, "stages": {"after/mkdocs-empty": stage(50.0, 700), "after/plain-index": stage(30.0, 2048),
                                                      "after/yaml-alone": {**stage(6.0, 50), "returncode": 1}}}
    ratio, memory, validate = floors({"runs": [r1k, r10k]})
    # 0.15 of (6 + 34) s allows 6.0 s; the parts take 5 + 2.5 + 0.5 = 8 s
    assert ratio[1] == "6.0 s (0.15 × 40.0 s)" and ratio[3] == "8.0 s together, 1.33 × what the target allows"
    assert "Pagefind over the same pages (`site-builder index`): 2.5 s" in ratio[2]
    assert memory[3] == "the largest, 2.00 GB, is 2.00 × the target"
    assert validate[2:] == ("not measured", "–")  # a failed stage is no figure
    assert floors({"runs": []})[0][1:] == ("–", "not measured", "–")
