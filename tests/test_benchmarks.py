"""The benchmark harness runs end to end at 100 records (no timing is asserted: figures belong in the report)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.run import main


def test_harness_smoke_run_measures_every_stage_at_100_records(tmp_path: Path) -> None:
    assert main(["--smoke", "--workdir", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    (run,) = results["runs"]
    assert run["n"] == 100 and run["corpus"]["after"]["cases"] == 100
    for stage in ("after/validate", "after/validate-again", "after/build", "after/generate", "after/mkdocs-plain", "after/plain-index"):
        assert run["stages"][stage]["returncode"] == 0
        assert run["stages"][stage]["peak_mb"] > 0
    # the plugin build and the plain build of the generated tree write the same pages
    assert run["sizes"]["after"]["html_pages"] == run["sizes"]["mkdocs-plain"]["html_pages"] > 100
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "/ plain MkDocs build (no search) of the same generated pages, 100 records" in report
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
