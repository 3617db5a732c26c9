"""The scale harness: synthetic projects of N cases, each stage measured in its own subprocess.

    python -m benchmarks.run --cases 100 1000 10000            # the full run (about an hour on 2 cores)
    python -m benchmarks.run --smoke                            # N=10, no serve, report in the work folder
    python -m benchmarks.run --report-only benchmarks/results.json   # re-render REPORT.md and plot.svg

For each N it measures `site-builder validate`, `site-builder generate`, `mkdocs build` with the plugin,
and `mkdocs build` of the generated Markdown tree without the plugin (same pages), then the site size and
the search index size. Optional stages: the generator's time by part, proposed site_builder changes
applied as monkeypatches (benchmarks/patched.py), the search remedies (benchmarks/search_limit_hook.py
and Pagefind), and `mkdocs serve` (save a case file, time until reload). Results go to a JSON file after
every stage, and REPORT.md and plot.svg are written from it.

The code under test is a snapshot of the working tree taken at the start (site_builder/, templates/,
content/, ...), put first on PYTHONPATH, so edits made while the run goes on do not mix versions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .measure import run_stage, site_size, tree_bytes
from .report import write_report

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
SNAPSHOT_ITEMS = ("site_builder", "templates", "content", "schema", "cases", "references.bib", "mkdocs.yml", "pyproject.toml")


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    import yaml as _yaml

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": _version("mkdocs"),
        "mkdocs-material": _version("mkdocs-material"),
        "pydantic": _version("pydantic"),
        "PyYAML": _version("PyYAML") + (" (libyaml available)" if getattr(_yaml, "__with_libyaml__", False) else " (no libyaml)"),
        "Markdown": _version("Markdown"),
        "citeproc-py": _version("citeproc-py"),
        "pagefind": _version("pagefind"),
    }


def snapshot(target: Path) -> dict[str, Any]:
    """Copy the code and inputs under test, so that the whole run measures one version."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for item in SNAPSHOT_ITEMS:
        source = REPO / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copyfile(source, target / item)
    return {
        "head": _git("rev-parse", "--short", "HEAD"),
        "subject": _git("log", "-1", "--format=%s"),
        "dirty": [line for line in _git("status", "--short").splitlines() if not line.endswith("benchmarks/")],
    }


class Harness:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = Path(args.workdir).resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="site-builder-bench-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.results_path = Path(args.json).resolve() if args.json else self.work / "results.json"
        self.snap = self.work / "snapshot"
        env = dict(os.environ)
        env["NO_MKDOCS_2_WARNING"] = "1"
        env["PYTHONPATH"] = os.pathsep.join([str(self.snap), str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.env = env
        self.py = sys.executable
        self.results: dict[str, Any] = {}

    # -- bookkeeping ---------------------------------------------------------------------------------

    def save(self) -> None:
        self.results_path.parent.mkdir(parents=True, exist_ok=True)
        self.results_path.write_text(json.dumps(self.results, indent=1), encoding="utf-8")
        if not self.args.no_report:
            write_report(self.results, Path(self.args.report), Path(self.args.plot))

    def say(self, text: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)

    def stage(self, row: dict[str, Any], name: str, argv: list[str], timeout: float | None = None) -> dict[str, Any]:
        log = self.work / "logs" / f"n{row['n']}-{name}.log"
        self.say(f"N={row['n']}: {name} ...")
        result = run_stage(name, argv, log, env=self.env, cwd=self.work, timeout=timeout or self.args.timeout).to_json()
        if result["returncode"] != 0:
            tail = Path(log).read_text(encoding="utf-8", errors="replace")[-3000:]
            result["error_tail"] = tail
            self.say(f"N={row['n']}: {name} FAILED (exit {result['returncode']}); see {log}")
        else:
            self.say(f"N={row['n']}: {name} {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB")
        row["stages"][name] = result
        self.save()
        return result

    def cli(self, *args: str) -> list[str]:
        return [self.py, "-c", "import sys; from site_builder.cli import main; sys.exit(main())", *args]

    def patched(self, patch: str, *command: str) -> list[str]:
        return [self.py, "-m", "benchmarks.patched", "--patch", patch, "--", *command]

    def code(self) -> dict[str, Any]:
        """Take the code snapshot, or keep the one already in the work folder (--reuse-snapshot)."""
        marker = self.snap / "snapshot.json"
        if self.args.reuse_snapshot and marker.is_file():
            self.say(f"reusing the code snapshot in {self.snap}")
            return json.loads(marker.read_text(encoding="utf-8")) | {"reused": True}
        info = snapshot(self.snap)
        info["taken"] = dt.datetime.now().isoformat(timespec="seconds")
        marker.write_text(json.dumps(info), encoding="utf-8")
        return info

    # -- the run ---------------------------------------------------------------------------------------

    def run(self) -> int:
        args = self.args
        self.say(f"work folder: {self.work}")
        self.results = {
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "command": "python -m benchmarks.run " + " ".join(sys.argv[1:]),
            "machine": machine(),
            "code": self.code(),
            "options": {k: v for k, v in vars(args).items() if k not in ("report_only",)},
            "runs": [],
        }
        if args.append and self.results_path.is_file():
            # Keep the runs of other N from an earlier results file (e.g. to redo only N=10,000).
            earlier = json.loads(self.results_path.read_text(encoding="utf-8"))
            kept = [r for r in earlier.get("runs", []) if r["n"] not in args.cases]
            self.results["runs"] = kept
            self.results["earlier"] = earlier.get("earlier", []) + [
                {k: earlier.get(k) for k in ("command", "started", "finished", "code")} | {"n": [r["n"] for r in kept]}
            ]
        self.save()
        for n in args.cases:
            self.one(n)
        self.results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        self.save()
        self.say(f"results: {self.results_path}")
        if not args.no_report:
            self.say(f"report: {args.report}")
        failed = [f"N={r['n']} {name}" for r in self.results["runs"] for name, s in r["stages"].items() if s.get("returncode")]
        if failed:
            self.say("failed stages: " + ", ".join(failed))
        return 1 if failed else 0

    def one(self, n: int) -> None:
        args = self.args
        base = self.work / f"n{n}"
        if base.exists():
            shutil.rmtree(base)
        base.mkdir(parents=True)
        row: dict[str, Any] = {"n": n, "stages": {}, "sizes": {}, "extra": {}}
        self.results["runs"].append(row)
        row["started"] = dt.datetime.now().isoformat(timespec="seconds")
        project, gen = base / "project", base / "generated"
        site_plugin, site_pregen = base / "site-plugin", base / "site-pregenerated"
        corpus_json = base / "corpus.json"

        corpus_argv = [self.py, "-m", "benchmarks.corpus", str(project), "--cases", str(n), "--indications", str(args.indications),
                       "--seed", str(args.seed), "--repo", str(self.snap), "--json", str(corpus_json)]
        if args.refs is not None:
            corpus_argv += ["--refs", str(args.refs)]
        if not self.stage(row, "corpus", corpus_argv)["returncode"] == 0:
            return
        corpus = json.loads(corpus_json.read_text(encoding="utf-8"))
        row["corpus"] = {k: corpus[k] for k in ("cases", "references", "case_bytes")} | {"indications": len(corpus["indications"])}
        case_ids = set(corpus["case_ids"])

        self.stage(row, "validate", self.cli("validate", str(project)))
        self.stage(row, "generate", self.cli("generate", str(gen), "--project", str(project)))
        self.stage(row, "build-plugin", [self.py, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site_plugin)])
        if (gen / "mkdocs.yml").is_file():
            self.stage(row, "build-pregenerated", [self.py, "-m", "mkdocs", "build", "-f", str(gen / "mkdocs.yml"), "-d", str(site_pregen)])
        for label, site in (("plugin", site_plugin), ("pregenerated", site_pregen)):
            if site.is_dir():
                row["sizes"][label] = site_size(site, case_ids).to_json()
        if gen.is_dir():
            row["sizes"]["generated-docs"] = dict(zip(("total", "files"), tree_bytes(gen / "docs")))
        row["sizes"]["cases-folder"] = dict(zip(("total", "files"), tree_bytes(project / "cases")))
        self.save()

        if n in args.phases_at:
            self.phases(row, project, patched=n in args.variant_build_at)
        if not args.no_variants:
            self.variants(row, project, build=n in args.variant_build_at)
        if not args.no_search_remedy and (gen / "mkdocs.yml").is_file():
            self.search_remedies(row, gen, site_plugin, base, case_ids)
        if n == args.serve_at:
            self.serve(row, project, sorted(case_ids)[len(case_ids) // 2])
        if not args.keep:
            for folder in (site_plugin, site_pregen, base / "site-limited", gen):
                shutil.rmtree(folder, ignore_errors=True)
        self.save()

    def phases(self, row: dict[str, Any], project: Path, patched: bool, keep_plain: bool = False) -> None:
        """The generator's parts, plain and with the proposed patches (--phase-patch)."""
        base = project.parent
        out = base / "phases.json"
        if not (keep_plain and row["extra"].get("phases")):
            self.stage(row, "phases", [self.py, "-m", "benchmarks.phases", str(project), "--json", str(out)])
            if out.is_file():
                row["extra"]["phases"] = json.loads(out.read_text(encoding="utf-8"))
        if patched:
            out2 = base / "phases-patched.json"
            self.stage(row, "phases-patched", [self.py, "-m", "benchmarks.phases", str(project), "--json", str(out2), "--patch", self.args.phase_patch])
            if out2.is_file():
                row["extra"]["phases-patched"] = json.loads(out2.read_text(encoding="utf-8"))

    def variants(self, row: dict[str, Any], project: Path, build: bool) -> None:
        """Validation with the libyaml patch; with build, the plugin build timed inside (on_files), plain and patched."""
        self.stage(row, "validate-libyaml", self.patched("libyaml", "site-builder", "validate", str(project)))
        if not build:
            return
        site = project.parent / "site-variant"
        config = str(project / "mkdocs.yml")
        for name, patches in (("build-plugin-timed", "time-on-files"), ("build-plugin-patched", f"{self.args.phase_patch},time-on-files")):
            result = self.stage(row, name, self.patched(patches, "mkdocs", "build", "-f", config, "-d", str(site)))
            log = Path(result["log"]).read_text(encoding="utf-8", errors="replace")
            match = re.search(r"on_files took ([\d.]+) s", log)
            if match:
                result["on_files_s"] = float(match.group(1))
                result["patches"] = patches
            shutil.rmtree(site, ignore_errors=True)
        self.save()

    def redo(self) -> int:
        """Redo only some stages (--redo) on the projects left in the work folder, into the existing results."""
        self.results = json.loads(self.results_path.read_text(encoding="utf-8"))
        for n in self.args.cases:
            row = next((r for r in self.results["runs"] if r["n"] == n), None)
            project = self.work / f"n{n}" / "project"
            if row is None or not project.is_dir():
                self.say(f"N={n}: no run or no project in {self.work}; skipped")
                continue
            row.setdefault("redone", []).append({"stages": self.args.redo, "at": dt.datetime.now().isoformat(timespec="seconds")})
            if "phases" in self.args.redo:
                plain = row["extra"].get("phases", {}).get("parts", {})
                self.phases(row, project, patched=True, keep_plain=any("safe_dump" in label for label in plain))
            if "variants" in self.args.redo:
                self.variants(row, project, build=True)
        self.save()
        return 0

    def search_remedies(self, row: dict[str, Any], gen: Path, site_plugin: Path, base: Path, case_ids: set[str]) -> None:
        config = yaml.safe_load((gen / "mkdocs.yml").read_text(encoding="utf-8"))
        config["hooks"] = [str(HERE / "search_limit_hook.py")]
        limited_cfg = gen / "mkdocs.limited.yml"
        limited_cfg.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        site_limited = base / "site-limited"
        result = self.stage(row, "build-limited-index", [self.py, "-m", "mkdocs", "build", "-f", str(limited_cfg), "-d", str(site_limited)])
        if result["returncode"] == 0:
            size = site_size(site_limited, case_ids)
            row["sizes"]["limited"] = size.to_json()
        if _version("pagefind") != "not installed" and site_plugin.is_dir():
            result = self.stage(row, "pagefind", [self.py, "-m", "pagefind", "--site", str(site_plugin), "--root-selector", "article", "--quiet"])
            if result["returncode"] == 0:
                row["sizes"]["pagefind"] = pagefind_sizes(site_plugin / "pagefind")
        self.save()

    def serve(self, row: dict[str, Any], project: Path, case_id: str) -> None:
        from .serve import measure_serve

        self.say(f"N={row['n']}: mkdocs serve (edit {case_id}) ...")
        result = measure_serve(project, case_id, row["n"], self.work / "logs" / f"n{row['n']}-serve.log", self.env, edits=self.args.serve_edits)
        row["extra"]["serve"] = result.to_json()
        self.say(f"N={row['n']}: serve {result.to_json()}")
        self.save()


def pagefind_sizes(folder: Path) -> dict[str, Any]:
    """The Pagefind bundle: total bytes and what one search has to download (estimated from the files)."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    chunks = [p.stat().st_size for p in files if p.suffix == ".pf_index"]
    fragments = [p.stat().st_size for p in files if p.suffix == ".pf_fragment"]
    meta = sum(p.stat().st_size for p in files if p.suffix == ".pf_meta")
    runtime = sum(p.stat().st_size for p in files if p.name in ("pagefind.js", "pagefind-entry.json", "pagefind-worker.js") or p.name == "wasm.en.pagefind")
    ui = sum(p.stat().st_size for p in files if p.name in ("pagefind-ui.js", "pagefind-ui.css"))
    mean_fragment = sum(fragments) / len(fragments) if fragments else 0
    return {
        "total": total,
        "files": len(files),
        "index_chunks": len(chunks),
        "index_bytes": sum(chunks),
        "chunk_max": max(chunks, default=0),
        "fragments": len(fragments),
        "fragment_mean": round(mean_fragment),
        "meta": meta,
        "runtime": runtime,
        "ui": ui,
        # one one-word query: runtime + meta + the largest chunk it could need + five result fragments (+ UI once)
        "per_query_estimate": runtime + meta + max(chunks, default=0) + 5 * round(mean_fragment) + ui,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[100, 1000, 10000], help="corpus sizes N (default: 100 1000 10000)")
    parser.add_argument("--refs", type=int, default=None, help="synthetic references M (default: N // 2 between 20 and 3,000, plus the 42 real ones)")
    parser.add_argument("--indications", type=int, default=20, help="indications in all, the 7 real ones included (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", help="where projects and sites go (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep built sites and generated trees")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per stage before it is stopped (default 3600)")
    parser.add_argument("--serve-at", type=int, default=1000, help="N at which to measure mkdocs serve (0: never; default 1000)")
    parser.add_argument("--serve-edits", type=int, default=2)
    parser.add_argument("--phases-at", type=int, nargs="*", default=[1000], help="N at which to time the generator's parts (default 1000)")
    parser.add_argument("--variant-build-at", type=int, nargs="*", default=[1000], help="N at which to build (and time the parts) with the proposed patches too")
    parser.add_argument("--phase-patch", default="libyaml,libyaml-pages,csl-prune", help="patches for the patched stages (default: libyaml,libyaml-pages,csl-prune)")
    parser.add_argument("--redo", nargs="+", choices=["phases", "variants"], help="only redo these stages for --cases, on the projects kept in --workdir, into the results file")
    parser.add_argument("--no-variants", action="store_true", help="skip the patched (proposed-change) stages")
    parser.add_argument("--no-search-remedy", action="store_true", help="skip the limited-index build and Pagefind")
    parser.add_argument("--json", help="results file (default: benchmarks/results.json; with --smoke: in the work folder)")
    parser.add_argument("--report", help="Markdown report (default: benchmarks/REPORT.md; with --smoke: in the work folder)")
    parser.add_argument("--plot", help="SVG plot (default: benchmarks/plot.svg; with --smoke: in the work folder)")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--reuse-snapshot", action="store_true", help="measure the code snapshot already in --workdir (same code as an earlier run)")
    parser.add_argument("--append", action="store_true", help="keep the other N's runs already in the results file (their code snapshot is noted)")
    parser.add_argument("--smoke", action="store_true", help="N=10 only (8 real cases and 2 synthetic ones), no serve, no variants; writes into the work folder; checks exit codes only")
    parser.add_argument("--report-only", metavar="RESULTS_JSON", help="only re-render the report and plot from a results file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.cases, args.serve_at, args.phases_at, args.variant_build_at = [10], 0, [10], []
        args.no_variants = True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report_only:
        results = json.loads(Path(args.report_only).read_text(encoding="utf-8"))
        write_report(results, Path(args.report or HERE / "REPORT.md"), Path(args.plot or HERE / "plot.svg"))
        return 0
    harness = Harness(args)
    if args.smoke:
        args.json = args.json or str(harness.work / "results.json")
        args.report = args.report or str(harness.work / "REPORT.md")
        args.plot = args.plot or str(harness.work / "plot.svg")
    else:
        args.json = args.json or str(HERE / "results.json")
        args.report = args.report or str(HERE / "REPORT.md")
        args.plot = args.plot or str(HERE / "plot.svg")
    harness.results_path = Path(args.json).resolve()
    if args.redo:
        return harness.redo()
    return harness.run()


if __name__ == "__main__":
    sys.exit(main())
