"""The benchmark harness runs end to end on a tiny corpus (no timing is asserted: figures belong in the report)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import main


def test_harness_smoke_run_completes(tmp_path: Path) -> None:
    assert main(["--smoke", "--workdir", str(tmp_path), "--no-report"]) == 0
