"""Where `site-builder validate` spends its CPU time per record file: each step of one file's own check, timed on its
own over the same files in one process (the per-file work that worker processes share out).

Run: python -m benchmarks.validate_stages [--project PATH] [--files 1000] [--repeat 3]
Prints milliseconds of CPU per file for each step (the least of --repeat runs, the cycle collector off as validate
has it) and the step that the main process repeats for each file a worker checked (reading its cache entry back).
The YAML load is also timed composing nodes then walking them (with the plain CSafeLoader), the way documents that
are not plain records go, for comparison with the walk over libyaml's events that record files take.
The steps overlap: "check, whole" is the sum of those above it plus what joins them. No test asserts these figures;
the whole command is measured by benchmarks/validate_cache.py and benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from site_builder.records import checks, privacy
from site_builder.records.diskcache import entry, read_entry
from site_builder.records.load import load_case
from site_builder.records.model import Case
from site_builder.records.yamlsource import decode, loads

COMPOSING = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # loads() with another loader than its own composes nodes


def cpu_ms(step: Callable[[], Any], count: int, repeat: int) -> float:
    """The least CPU time of repeat runs of step, in milliseconds per file (the cycle collector off, as validate has it)."""
    best, enabled = float("inf"), gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            step()
            best = min(best, time.process_time() - start)
    finally:
        if enabled:
            gc.enable()
    return best / count * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("."))
    parser.add_argument("--files", type=int, default=1000, help="how many case files (the first in name order)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    root = args.project.resolve()
    paths = sorted((root / "cases").glob("*.yaml"))[: args.files]
    files = [(path, path.relative_to(root).as_posix(), path.read_bytes()) for path in paths]
    texts = [decode(raw) for _, _, raw in files]
    loaded = [load_case(path, display, raw)[0] for path, display, raw in files]
    valid = [(file, text, case) for file, text, case in zip(files, texts, loaded) if case is not None]
    clinical = [privacy.clinical_texts(case.located) for _, _, case in valid]
    keys = [checks.record_key("case", display, path, "error", raw) for path, display, raw in files]
    checked = [checks.check_record_data(path, display, "case", "error", raw) for path, display, raw in files]
    lines = [entry(key, check, data) for key, (check, data) in zip(keys, checked)]
    n, m, r = len(files), len(valid), args.repeat
    rows = [
        ("read key (hash of the bytes)", cpu_ms(lambda: [checks.record_key("case", d, p, "error", raw) for p, d, raw in files], n, r)),
        ("YAML load with positions", cpu_ms(lambda: [loads(text) for text in texts], n, r)),
        ("YAML load, composing (CSafeLoader)", cpu_ms(lambda: [loads(text, COMPOSING) for text in texts], n, r)),
        ("schema (pydantic)", cpu_ms(lambda: [Case.model_validate(case.located.data) for _, _, case in valid], m, r)),
        ("load_case, whole", cpu_ms(lambda: [load_case(p, d, raw) for p, d, raw in files], n, r)),
        ("locators", cpu_ms(lambda: [checks._locator_problems(case) for _, _, case in valid], m, r)),
        ("clinical texts", cpu_ms(lambda: [privacy.clinical_texts(case.located) for _, _, case in valid], m, r)),
        ("raw HTML", cpu_ms(lambda: [checks._raw_html_problems(case, t) for (_, _, case), t in zip(valid, clinical)], m, r)),
        ("privacy screen", cpu_ms(lambda: [privacy.screen_case(case, text, t) for (_, text, case), t in zip(valid, clinical)], m, r)),
        ("citations", cpu_ms(lambda: [checks._citations(case) for _, _, case in valid], m, r)),
        ("check, whole (check_record_data)", cpu_ms(lambda: [checks.check_record_data(p, d, "case", "error", raw) for p, d, raw in files], n, r)),
        ("cache entry (JSON line)", cpu_ms(lambda: [entry(key, check, data) for key, (check, data) in zip(keys, checked)], n, r)),
        ("main process: entry read back", cpu_ms(lambda: [read_entry(key, line) for key, line in zip(keys, lines) if line], n, r)),
    ]
    print(f"{n} case files of {root} ({m} valid), {sum(len(raw) for _, _, raw in files) // n:,} bytes each on average; CPU ms per file:")
    for name, ms in rows:
        print(f"  {name:<36} {ms:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
