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
    for stage in ("after/validate", "after/validate-again", "after/build", "after/generate", "after/mkdocs-plain", "after/plain-index"):
        assert run["stages"][stage]["returncode"] == 0
        assert run["stages"][stage]["peak_mb"] > 0
    # the plugin build and the plain build of the generated tree write the same pages
    assert run["sizes"]["after"]["html_pages"] == run["sizes"]["mkdocs-plain"]["html_pages"] > 100
    # --pairs 2: both builds and the index ran once more, and the comparison takes the medians of the two runs
    for stage in ("after/build", "after/mkdocs-plain", "after/plain-index"):
        assert [again["returncode"] for again in run["repeats"][stage]] == [0]
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "/ plain MkDocs build (no search) of the same generated pages, 100 records, the medians of 2 runs each" in report
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


def test_the_plugin_and_plain_comparison_takes_the_medians_of_repeated_runs() -> None:
    from benchmarks.report import targets

    def stage(seconds: float, cpu: float) -> dict[str, object]:
        return {"seconds": seconds, "user_s": cpu, "sys_s": 0.0, "peak_mb": 1.0, "returncode": 0, "timed_out": False}

    run = {"label": "n100", "n": 100, "sizes": {}, "browser": {},
           "stages": {"after/build": stage(5.0, 6.0), "after/mkdocs-plain": stage(3.0, 3.0)},
           "repeats": {"after/build": [stage(3.3, 3.3), stage(3.0, 3.0), {**stage(1.0, 1.0), "returncode": 1}],
                       "after/mkdocs-plain": [stage(3.1, 3.2), stage(2.9, 2.8)]}}
    (row,) = [r for r in targets({"runs": [run]}) if r[0].startswith("plugin build")]
    # medians: build 3.3 of (5.0, 3.3, 3.0) (a failed run is not counted), plain 3.0 of (3.0, 3.1, 2.9); CPU 3.3 / 3.0
    assert row[0].endswith("100 records, the medians of 3 runs each")
    assert row[2] == "1.10 wall, 1.10 CPU" and row[5] is True
    run.pop("repeats")  # the first runs alone: 5.0 / 3.0
    (row,) = [r for r in targets({"runs": [run]}) if r[0].startswith("plugin build")]
    assert row[0].endswith("100 records") and row[2] == "1.67 wall, 2.00 CPU" and row[5] is False
