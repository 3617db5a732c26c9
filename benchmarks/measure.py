"""Run one stage in a subprocess and measure it: wall time, CPU time and the stage's own peak memory.

Peak memory comes from `/usr/bin/time -v` when the machine has GNU time; otherwise a small Python
wrapper runs the command and reports `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`, which is then
the peak of that one stage (the wrapper's children are the stage only).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")
_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(json.dumps({'rc': rc, 'maxrss_kb': u.ru_maxrss, 'user': u.ru_utime, 'sys': u.ru_stime}))\n"
    "sys.exit(rc)\n"
)


@dataclass
class Stage:
    """One measured command."""

    name: str
    seconds: float
    peak_mb: float
    user_s: float
    sys_s: float
    returncode: int
    log: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def to_json(self) -> dict:
        return asdict(self)


def gnu_time_available() -> bool:
    if not GNU_TIME.is_file():
        return False
    probe = subprocess.run([str(GNU_TIME), "-v", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "Maximum resident set size" in probe.stderr


def run_stage(name: str, argv: list[str], log: Path, *, env: dict[str, str], cwd: Path | None = None, timeout: float = 3600) -> Stage:
    """Run argv with stdout and stderr to log; return its wall time and peak resident memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    stats = log.with_suffix(".time")
    if gnu_time_available():
        command = [str(GNU_TIME), "-v", "-o", str(stats), *argv]
    else:
        command = [sys.executable, "-c", _WRAPPER, str(stats), *argv]
    timed_out = False
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, 15)  # the stage's own process group, started above
            returncode = proc.wait()
    seconds = time.perf_counter() - start
    peak_kb, user, system = _read_stats(stats)
    return Stage(name, round(seconds, 3), round(peak_kb / 1024, 1), user, system, returncode, str(log), timed_out)


def _read_stats(path: Path) -> tuple[float, float, float]:
    if not path.is_file():
        return 0.0, 0.0, 0.0
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        return float(data["maxrss_kb"]), float(data["user"]), float(data["sys"])

    def grab(label: str) -> float:
        match = re.search(rf"{re.escape(label)}:\s*([\d.]+)", text)
        return float(match.group(1)) if match else 0.0

    return grab("Maximum resident set size (kbytes)"), grab("User time (seconds)"), grab("System time (seconds)")


# --- sizes ------------------------------------------------------------------------------------------


@dataclass
class SiteSize:
    """Bytes of a built site, by kind of file."""

    total: int = 0
    files: int = 0
    case_pages: int = 0  # cases/<id>/index.html, one per case
    case_dirs: int = 0  # everything under cases/<id>/ (page plus downloads)
    case_page_max: int = 0
    cases_index: int = 0  # cases/index.html, the table of every case
    indication_pages: int = 0
    indication_page_max: int = 0
    references_page: int = 0
    search_index: int = 0
    search_index_gz: int = 0
    largest_page: str = ""
    largest_page_bytes: int = 0
    html_pages: int = 0

    def to_json(self) -> dict:
        return asdict(self)


def site_size(site: Path, case_ids: set[str]) -> SiteSize:
    """Walk a built site once and sort its bytes into the kinds above."""
    size = SiteSize()
    for dirpath, _dirs, names in os.walk(site):
        rel_dir = Path(dirpath).relative_to(site).as_posix()
        for name in names:
            n = (Path(dirpath) / name).stat().st_size
            size.total += n
            size.files += 1
            parts = rel_dir.split("/")
            if name.endswith(".html"):
                size.html_pages += 1
                if n > size.largest_page_bytes:
                    size.largest_page, size.largest_page_bytes = f"{rel_dir}/{name}", n
            if parts[0] == "cases" and len(parts) == 2 and parts[1] in case_ids:
                size.case_dirs += n
                if name == "index.html":
                    size.case_pages += n
                    size.case_page_max = max(size.case_page_max, n)
            elif rel_dir == "cases" and name == "index.html":
                size.cases_index = n
            elif parts[0] == "indications" and len(parts) == 2 and name == "index.html":
                size.indication_pages += n
                size.indication_page_max = max(size.indication_page_max, n)
            elif rel_dir == "references" and name == "index.html":
                size.references_page = n
    index = site / "search" / "search_index.json"
    if not index.is_file():
        index = site / "search.json"  # Zensical's
    if index.is_file():
        data = index.read_bytes()
        size.search_index = len(data)
        size.search_index_gz = len(gzip.compress(data, compresslevel=6))
    elif (site / "pagefind").is_dir():  # Pagefind's folder on disk; a reader fetches only the parts a query needs
        size.search_index = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return size


def tree_bytes(path: Path) -> tuple[int, int]:
    """(bytes, files) under path."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            total += (Path(dirpath) / name).stat().st_size
            files += 1
    return total, files
