"""`mkdocs serve` on loopback: the time from saving a case file to the browsers being told to reload.

The server is started on 127.0.0.1 with a free port; its log lines are time-stamped as they arrive.
After the first build, one case file's title is changed and saved; we record when the server notices
the change ("Detected file changes"), when it tells the browsers to reload ("Reloading browsers", i.e.
the rebuild is complete), and when the case page served over HTTP shows the new title. Every wait is
bounded; the server (our own child, in its own process group) is stopped at the end.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from .corpus import SCHEMA_LINE, _Dumper


@dataclass
class Edit:
    """One save and what followed it, in seconds after the save."""

    detected_s: float | None = None
    reload_s: float | None = None
    page_s: float | None = None


@dataclass
class ServeResult:
    cases: int
    first_build_s: float | None = None
    edits: list[Edit] = field(default_factory=list)
    error: str = ""
    log: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Lines:
    """Reads a stream in a thread, keeping (monotonic time, line)."""

    def __init__(self, stream, log: Path):  # noqa: ANN001
        self.lines: list[tuple[float, str]] = []
        self.log = log.open("w", encoding="utf-8")
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:  # noqa: ANN001
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            self.lines.append((time.monotonic(), line))
            self.log.write(f"{time.monotonic():.3f} {line}\n")
            self.log.flush()

    def wait_for(self, text: str, after: float, deadline: float, proc: subprocess.Popen, fail: str = "") -> float | None:
        while time.monotonic() < deadline:
            for stamp, line in list(self.lines):
                if stamp >= after and text in line:
                    return stamp
                if stamp >= after and fail and fail in line:
                    return None
            if proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _edit_title(path: Path, marker: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] = f"Edited in the serve benchmark {marker}"
    path.write_text(SCHEMA_LINE + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88), encoding="utf-8")


def measure_serve(project: Path, case_id: str, cases: int, log: Path, env: dict[str, str], *, edits: int = 2, timeout: float = 1800) -> ServeResult:
    """Start `mkdocs serve`, wait for the first build, then save one case file `edits` times."""
    result = ServeResult(cases, log=str(log))
    port = free_port()
    url = f"http://127.0.0.1:{port}/cases/{case_id}/"
    argv = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}", "--no-strict"]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=project, start_new_session=True)
    lines = _Lines(proc.stdout, log)
    try:
        served = lines.wait_for("Serving on", start, start + timeout, proc)
        if served is None:
            result.error = "the server did not start (see the log)"
            return result
        result.first_build_s = round(served - start, 2)
        if _get(url) is None:
            result.error = f"{url} did not answer after the first build"
            return result
        path = project / "cases" / f"{case_id}.yaml"
        for n in range(edits):
            time.sleep(2)  # let the watcher settle
            marker = "SERVE-EDIT-" + "".join(random.choice(string.ascii_uppercase) for _ in range(8)) + f"-{'ABCDEFGHIJ'[n % 10]}"  # no digits: the privacy screen flags long numbers
            saved = time.monotonic()
            _edit_title(path, marker)
            edit = Edit()
            detected = lines.wait_for("Detected file changes", saved, saved + 60, proc)
            edit.detected_s = round(detected - saved, 2) if detected else None
            reloaded = lines.wait_for("Reloading browsers", saved, saved + timeout, proc, fail="error happened during the rebuild")
            edit.reload_s = round(reloaded - saved, 2) if reloaded else None
            deadline = saved + timeout
            while reloaded and time.monotonic() < deadline and proc.poll() is None:
                page = _get(url)
                if page and marker in page:
                    edit.page_s = round(time.monotonic() - saved, 2)
                    break
                time.sleep(0.25)
            result.edits.append(edit)
            if edit.reload_s is None:
                result.error = "no reload after an edit (see the log)"
                break
        return result
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # our own server, started above in its own group
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        lines.thread.join(timeout=5)
        lines.log.close()


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.serve PROJECT`: the same measurement as the harness's serve stage, on a project of yours."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python -m benchmarks.serve")
    parser.add_argument("project", type=Path, help="a project folder (with mkdocs.yml); one of its case files is edited")
    parser.add_argument("--case", help="the id of the case to edit (default: the middle one in name order)")
    parser.add_argument("--edits", type=int, default=3, help="saves of the case file")
    parser.add_argument("--log", type=Path, help="where the server's time-stamped log goes (default: PROJECT/../serve.log)")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    project = args.project.resolve()
    ids = sorted(p.stem for p in (project / "cases").glob("*.yaml"))
    if not args.case and not ids:
        parser.error(f"{project / 'cases'}: no case file to edit")
    case_id = args.case or ids[len(ids) // 2]
    log = args.log or project.parent / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = measure_serve(project, case_id, len(ids), log, env, edits=args.edits, timeout=args.timeout)
    print(json.dumps(result.to_json(), indent=1))
    return 1 if result.error else 0


if __name__ == "__main__":
    sys.exit(main())
