"""The scale harness: one run measures our build, plain MkDocs and Zensical on the generated tree, and the baseline commit.

    python -m benchmarks.run                        # 100, 1,000 and 10,000 records; writes REPORT.md, plot.svg, results.json
    python -m benchmarks.run --cases 100 1000       # the smaller sizes only
    python -m benchmarks.run --smoke                # 100 records, our code only, no browser: the CI smoke test
    python -m benchmarks.run --report-only benchmarks/results.json

Everything is measured through the project's public commands, each in its own subprocess under `/usr/bin/time -v`
(wall time and peak resident memory): `python -m benchmarks.corpus` makes a project of N records,
`site-builder validate`, `mkdocs build` (our build: the plugin generates the pages), `site-builder generate` (the
plain tree), `mkdocs build` and `zensical build` of that tree, `python -m pagefind` over our built site, two parts of
our own commands measured alone (`site-builder index` over our built site again; `python -m benchmarks.floors`,
libyaml's events of the record files), and
`python -m benchmarks.browser` (Chromium opening a case page and running a first search, from an empty cache).
The code under test is copied at the start (so edits made during the run do not mix in), and the baseline commit
(default 2acf049) is exported with `git archive` into the work folder and measured the same way, with its own
corpus generator, in the same run. Nothing is patched at run time.
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
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from .measure import run_stage, site_size, tree_bytes
from .report import stages_run, write_report

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BASELINE = "2acf049"
SNAPSHOT_ITEMS = ("site_builder", "benchmarks", "templates", "content", "schema", "cases", "studies", "references.bib", "mkdocs.yml", "pyproject.toml")
REAL_CASE = "majewska2025-case8-melasma"
REAL_INDICATION = "melasma"
INDEX_SECONDS_RE = re.compile(r"^search index: .*, ([0-9.]+) s$", re.M)  # site_builder.output.search.SearchIndex.summary
EVENTS_SECONDS_RE = re.compile(r"^the YAML events of .* processes: ([0-9.]+) s$", re.M)  # benchmarks/floors.py


def _git(*args: str, cwd: Path = REPO) -> str:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    cpu, mem = "", ""
    try:
        cpu = next(l for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")).split(":", 1)[1].strip()
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    dists = ("mkdocs", "mkdocs-material", "zensical", "pagefind", "pagefind_bin", "playwright", "PyYAML", "pydantic", "Markdown")
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "load": load, "python": platform.python_version()} | {d: _version(d) for d in dists}


def snapshot(target: Path) -> dict[str, Any]:
    """Copy the code and inputs under test (the working tree), so the whole run measures one version."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in SNAPSHOT_ITEMS:
        source = REPO / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=shutil.ignore_patterns("__pycache__", "results.json", "*.svg"))
        elif source.is_file():
            shutil.copyfile(source, target / item)
    return {"commit": _git("rev-parse", "--short", "HEAD"), "subject": _git("log", "-1", "--format=%s"),
            "dirty": [l for l in _git("status", "--short").splitlines() if "benchmarks/" not in l]}


def export_commit(commit: str, target: Path) -> dict[str, Any]:
    """The baseline: `git archive COMMIT` unpacked into target (no work tree of the repository is touched)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = target.with_suffix(".tar")
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), commit], cwd=REPO, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    return {"commit": _git("rev-parse", "--short", commit), "subject": _git("log", "-1", "--format=%s", commit)}


class Harness:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = Path(args.workdir).resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="site-builder-bench-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.trees = {"after": self.work / "code-after", "before": self.work / "code-before"}
        self.results: dict[str, Any] = {}
        self.cache = self.work / "validate-cache"

    def env(self, version: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env |= {"PYTHONPATH": str(self.trees[version]), "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1",
                "SOURCE_DATE_EPOCH": "1764115200",
                # validate's disk cache in the work folder, emptied for each size: `validate` is always a first run
                "SITE_BUILDER_CACHE_DIR": str(self.cache)}
        return env

    def save(self) -> None:
        path = Path(self.args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.results, indent=1), encoding="utf-8")
        if not self.args.no_report:
            write_report(self.results, Path(self.args.report), Path(self.args.plot))

    def say(self, text: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)

    def stage(self, row: dict[str, Any], version: str, name: str, argv: list[str], cwd: Path | None = None, again: int = 0) -> bool:
        """Run and record one stage; again=k records it as the k-th repeat of a stage already run (row["repeats"])."""
        key = f"{version}/{name}"
        label = f"{key} (again, {again + 1})" if again else key
        log = self.work / "logs" / f"{row['label']}-{version}-{name}{f'-{again + 1}' if again else ''}.log"
        self.say(f"{row['label']}: {label} ...")
        result = run_stage(key, argv, log, env=self.env(version), cwd=cwd or self.work, timeout=self.args.timeout).to_json()
        if result["returncode"] != 0 or result["timed_out"]:
            result["error_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            self.say(f"{row['label']}: {label} FAILED (exit {result['returncode']}); see {log}")
        else:
            self.say(f"{row['label']}: {label} {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB")
        if again:  # the k-th round of --pairs-at: row["repeats"][k - 1] holds each stage of that round
            rounds = row.setdefault("repeats", [])
            rounds.extend({} for _ in range(again - len(rounds)))
            rounds[again - 1][key] = result
        else:
            row["stages"][key] = result
        self.save()
        return result["returncode"] == 0 and not result["timed_out"]

    def seconds_said(self, row: dict[str, Any], version: str, name: str, pattern: re.Pattern[str]) -> float | None:
        """The seconds a stage's command printed of its own work (its log; None when it did not say)."""
        found = pattern.search((self.work / "logs" / f"{row['label']}-{version}-{name}.log").read_text(encoding="utf-8", errors="replace"))
        return float(found.group(1)) if found else None

    def py(self, *args: str) -> list[str]:
        return [sys.executable, *args]

    def mkdocs_build(self, project: Path, site: Path) -> list[str]:
        """`mkdocs build` of a project folder (its mkdocs.yml) into site."""
        return self.py("-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site))

    def cli(self, *args: str) -> list[str]:
        return self.py("-c", "import sys; from site_builder.cli import main; sys.exit(main())", *args)

    # -- the run ---------------------------------------------------------------------------------------

    def run(self) -> int:
        args = self.args
        self.say(f"work folder: {self.work}")
        self.results = {"started": dt.datetime.now().isoformat(timespec="seconds"), "command": "python -m benchmarks.run " + " ".join(args.argv),
                        "machine": machine(), "code": {"after": snapshot(self.trees["after"])}, "runs": []}
        self.versions = ["after"]
        if not args.no_baseline:
            try:
                self.results["code"]["before"] = export_commit(args.baseline, self.trees["before"])
                self.versions.insert(0, "before")
            except (subprocess.CalledProcessError, OSError, tarfile.TarError) as exc:
                self.results["code"]["before"] = {"error": f"could not export {args.baseline}: {exc}"}
        self.results["zensical"] = zensical_status()
        self.save()
        if not args.smoke and not args.no_browser:
            self.repo_run()
        for n in args.cases:
            self.one(n)
        self.results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        self.save()
        failed = [f"{r['label']} {k}" for r in self.results["runs"] for k, s in stages_run(r)
                  if (s.get("returncode") or s.get("timed_out")) and not k.endswith("/zensical")]
        if failed:
            self.say("failed stages: " + ", ".join(failed))
        if not args.keep and args.workdir is None:
            shutil.rmtree(self.work, ignore_errors=True)
        return 1 if failed else 0

    def repo_run(self) -> None:
        """The repository's own content (the real records): page weight and layout as a reader sees them."""
        row = {"label": "repo", "n": None, "stages": {}, "sizes": {}, "browser": {}}
        self.results["runs"].append(row)
        for version in self.versions:
            tree = self.trees[version]
            row.setdefault("records", {})[version] = sum(1 for _ in (tree / "cases").glob("*.yaml")) + sum(1 for _ in (tree / "studies").glob("*.yaml"))
            site = self.work / "repo" / f"site-{version}"
            if self.stage(row, version, "build", self.mkdocs_build(tree, site)):
                pages = {"case": f"cases/{REAL_CASE}/", "indication": f"indications/{REAL_INDICATION}/", "cases": "cases/", "home": ""}
                self.browser(row, version, site, pages, engines=search_engines(site), layout=list(pages))
        self.save()

    def browser(self, row: dict[str, Any], version: str, site: Path, pages: dict[str, str], *, engines: tuple[str, ...] = ("material",),
                queries: list[dict[str, Any]] | None = None, layout: list[str] | None = None) -> None:
        out = site.parent / f"browser-{version}.json"
        argv = self.py("-m", "benchmarks.browser", str(site), "--json", str(out), "--query", self.args.query)
        argv += [f"--page={k}={v}" for k, v in pages.items()] + [f"--engine={e}" for e in engines] + [f"--layout={k}" for k in layout or []]
        if queries:
            qfile = site.parent / "queries.json"
            qfile.write_text(json.dumps(queries), encoding="utf-8")
            argv += ["--queries", str(qfile)]
        # the browser step runs with our code's benchmarks package in both cases: it only reads the built site
        if self.stage(row, "after", f"browser-{version}", argv) and out.is_file():
            row["browser"][version] = json.loads(out.read_text(encoding="utf-8"))

    def one(self, n: int) -> None:
        args = self.args
        base = self.work / f"n{n}"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        row: dict[str, Any] = {"label": f"n{n}", "n": n, "stages": {}, "sizes": {}, "browser": {}, "extra": {}}
        self.results["runs"].append(row)
        for version in self.versions:
            if version == "before" and args.baseline_at is not None and n not in args.baseline_at:
                row.setdefault("skipped", []).append(f"before: not measured at {n} records (--baseline-at)")
                continue
            tree = self.trees[version]
            project, site = base / f"project-{version}", base / f"site-{version}"
            corpus_json = base / f"corpus-{version}.json"
            if not self.stage(row, version, "corpus", self.py("-m", "benchmarks.corpus", str(project), "--cases", str(n), "--seed", str(args.seed),
                                                             "--repo", str(tree), "--json", str(corpus_json))):
                continue
            corpus = json.loads(corpus_json.read_text(encoding="utf-8"))
            row.setdefault("corpus", {})[version] = {k: corpus[k] for k in ("cases", "references", "case_bytes")} | {"indications": len(corpus["indications"])}
            shutil.rmtree(self.cache, ignore_errors=True)
            self.stage(row, version, "validate", self.cli("validate", str(project)))
            if version == "after":  # the same again, with the disk cache the first run wrote (a contributor's next check)
                self.stage(row, version, "validate-again", self.cli("validate", str(project)))
                # libyaml's events of the same files pulled alone: the least a first run can take (benchmarks/floors.py)
                if self.stage(row, version, "yaml-events", self.py("-m", "benchmarks.floors", str(project))):
                    row["extra"]["yaml_events_s"] = self.seconds_said(row, version, "yaml-events", EVENTS_SECONDS_RE)
            if self.stage(row, version, "build", self.mkdocs_build(project, site)):
                row["sizes"][version] = site_size(site, set(corpus["case_ids"])).to_json()
                if version == "after":
                    row["extra"]["pagefind_wired"] = (site / "pagefind").is_dir()
            if version == "after" and args.engines_at is not None and n not in args.engines_at:
                row.setdefault("skipped", []).append(f"generate, plain MkDocs and Zensical: not measured at {n} records (--engines-at)")
            elif version == "after":
                self.engines(row, project, base, set(corpus["case_ids"]))
            if site.is_dir() and not args.no_browser:
                engines = search_engines(site)
                queries = quality_queries(project, corpus) if version == "after" and n in args.quality_at else None
                self.browser(row, version, site, {"case": f"cases/{REAL_CASE}/"}, engines=engines, queries=queries)
            if version == "after" and row["extra"].get("pagefind_wired"):
                # the search index our build ended with, made again alone over the same site: its share of the build
                if self.stage(row, version, "index-alone", self.cli("index", str(site))):
                    # Pagefind's own time, as the command measures it around the binary (without Python's start)
                    row["extra"]["index_alone_pagefind_s"] = self.seconds_said(row, version, "index-alone", INDEX_SECONDS_RE)
            if n == args.serve_at and not args.smoke:
                self.serve(row, version, project, corpus["case_ids"][len(corpus["case_ids"]) // 2])
            if not args.keep:
                shutil.rmtree(site, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        self.save()

    def engines(self, row: dict[str, Any], project: Path, base: Path, case_ids: set[str]) -> None:
        """The plain tree from `generate`, built by plain MkDocs and by Zensical; Pagefind indexes our built site."""
        gen = base / "generated"
        if not self.stage(row, "after", "generate", self.cli("generate", str(gen), "--project", str(project))):
            return
        row["sizes"]["generated-docs"] = dict(zip(("total", "files"), tree_bytes(gen / "docs")))
        plain = base / "site-mkdocs-plain"
        if self.stage(row, "after", "mkdocs-plain", self.mkdocs_build(gen, plain)):
            row["sizes"]["mkdocs-plain"] = site_size(plain, case_ids).to_json()
            # our build ends by indexing the site for search; the plain build gets the same index from the public command
            self.stage(row, "after", "plain-index", self.cli("index", str(plain)))
        shutil.rmtree(plain, ignore_errors=True)
        if row["n"] in (self.args.pairs_at or []):
            self.pairs_again(row, project, gen, base)
        zensical = shutil.which("zensical")
        if zensical and self.args.zensical_at is not None and row["n"] not in self.args.zensical_at:
            row.setdefault("skipped", []).append(f"zensical: not measured at {row['n']} records (--zensical-at)")
        elif zensical and not self.args.smoke:
            if self.stage(row, "after", "zensical", [zensical, "build", "--clean", "-f", str(gen / "mkdocs.yml")], cwd=gen):
                config_site = gen / "site"
                if config_site.is_dir():
                    row["sizes"]["zensical"] = site_size(config_site, case_ids).to_json()
        else:
            row["extra"]["zensical"] = "not installed (pip install -e '.[bench]')"
        shutil.rmtree(gen, ignore_errors=True)
        site = base / "site-after"
        if site.is_dir() and not (site / "pagefind").is_dir() and _version("pagefind") != "not installed" and not self.args.smoke:
            # a build without Pagefind wired in: its index is added to the site folder for the browser step
            self.stage(row, "after", "pagefind", self.py("-m", "pagefind", "--site", str(site), "--root-selector", "article", "--quiet"))
        if (site / "pagefind").is_dir():  # written by our build (wired in) or by the stage above
            row["sizes"]["pagefind"] = pagefind_sizes(site / "pagefind")
        self.save()

    def pairs_again(self, row: dict[str, Any], project: Path, gen: Path, base: Path) -> None:
        """Our build and the plain build (then its index) again, in turn, --pairs times in all: a build of a few seconds
        varies by more than the 15 % the comparison allows on a shared machine, so the report takes the median of each
        round's ratio (builds run one after the other).
        The builds run as the first ones did: after validate (its disk cache in place), into a new folder each time."""
        for again in range(1, self.args.pairs):
            site, plain = base / "site-again", base / "site-mkdocs-plain-again"
            self.stage(row, "after", "build", self.mkdocs_build(project, site), again=again)
            if self.stage(row, "after", "mkdocs-plain", self.mkdocs_build(gen, plain), again=again):
                self.stage(row, "after", "plain-index", self.cli("index", str(plain)), again=again)
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(plain, ignore_errors=True)

    def serve(self, row: dict[str, Any], version: str, project: Path, case_id: str) -> None:
        from .serve import measure_serve

        self.say(f"{row['label']}: {version}/serve (edit {case_id}) ...")
        result = measure_serve(project, case_id, row["n"], self.work / "logs" / f"{row['label']}-{version}-serve.log", self.env(version), edits=self.args.serve_edits)
        row["extra"][f"{version}/serve"] = result.to_json()
        self.say(f"{row['label']}: {version}/serve {result.to_json()}")
        self.save()


def search_engines(site: Path) -> tuple[str, ...]:
    """The searches a built site offers: Pagefind alone when wired in (a search page, no Material index), Material's
    index (and Pagefind's, when an evaluation indexed the site) otherwise."""
    wired = (site / "search" / "index.html").is_file() and not (site / "search" / "search_index.json").is_file()
    if (site / "pagefind").is_dir():
        return ("pagefind",) if wired else ("material", "pagefind")
    return ("material",)


def zensical_status() -> dict[str, Any]:
    path = shutil.which("zensical")
    if not path:
        return {"installed": False, "note": "not installed: pip install -e '.[bench]'"}
    return {"installed": True, "version": _version("zensical")}


def quality_queries(project: Path, corpus: dict[str, Any]) -> list[dict[str, Any]]:
    """Twenty queries whose expected pages follow from the corpus: twelve indication names, eight real case titles."""
    import yaml

    queries: list[dict[str, Any]] = []
    labels: dict[str, str] = {}
    for page in (project / "content" / "indications").glob("*.md"):
        parts = page.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(parts[1]) if len(parts) == 3 else None
        if isinstance(meta, dict) and meta.get("title"):
            labels[page.stem] = str(meta["title"])
    for slug in corpus["indications"][:12]:
        label = labels.get(slug, slug.replace("-", " "))
        queries.append({"query": label, "expect": [f"indications/{slug}/"]})
    for path in sorted((project / "cases").glob("majewska2025-case*.yaml"))[:8]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        title = " ".join(str(data.get("title", "")).split(":", 1)[-1].split()[:6])
        queries.append({"query": title, "expect": [f"cases/{data['id']}/"]})
    return queries[:20]


def pagefind_sizes(folder: Path) -> dict[str, Any]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    chunks = [p.stat().st_size for p in files if p.suffix == ".pf_index"]
    return {"total": sum(p.stat().st_size for p in files), "files": len(files), "index_chunks": len(chunks), "chunk_max": max(chunks, default=0)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[100, 1000, 10000], help="project sizes N in records (default: 100 1000 10000)")
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit measured as 'before' in the same run (default {BASELINE})")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-at", type=int, nargs="*", help="N at which the baseline is measured too (default: every N)")
    parser.add_argument("--engines-at", type=int, nargs="*", help="N at which the plain tree is generated and built by plain MkDocs and Zensical (default: every N)")
    parser.add_argument("--zensical-at", type=int, nargs="*", help="N at which Zensical builds the plain tree (default: every N)")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser measurements (page weight, search payload, layout)")
    parser.add_argument("--serve-at", type=int, default=1000, help="N at which to time save → reload in `mkdocs serve` (0: never)")
    parser.add_argument("--serve-edits", type=int, default=2, help="saves of one case file in the serve measurement")
    parser.add_argument("--pairs-at", type=int, nargs="*", help="N at which our build and the plain build run --pairs times each, in turn, and are compared by the median of each round's ratio (default: 100; none with --smoke)")
    parser.add_argument("--pairs", type=int, default=5, help="runs of each build where --pairs-at applies, the first included (default: 5)")
    parser.add_argument("--quality-at", type=int, nargs="*", default=[1000, 10000], help="N at which to compare search results on 20 queries")
    parser.add_argument("--query", default="melasma", help="the query of the first-search measurement")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", help="where projects and sites go (default: a temporary folder, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep projects and built sites")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per stage before it is stopped")
    parser.add_argument("--json", help="results file (default benchmarks/results.json; with --smoke, in the work folder)")
    parser.add_argument("--report", help="Markdown report (default benchmarks/REPORT.md)")
    parser.add_argument("--plot", help="SVG plot (default benchmarks/plot.svg)")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="100 records, our code only, no browser, no serve: checks that every stage runs")
    parser.add_argument("--report-only", metavar="RESULTS_JSON", help="only re-render the report and plot from a results file")
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    if args.pairs_at is None:
        args.pairs_at = [] if args.smoke else [100]
    if args.smoke:
        args.cases, args.serve_at, args.quality_at = [100], 0, []
        args.no_baseline = args.no_browser = True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report_only:
        results = json.loads(Path(args.report_only).read_text(encoding="utf-8"))
        write_report(results, Path(args.report or HERE / "REPORT.md"), Path(args.plot or HERE / "plot.svg"))
        return 0
    harness = Harness(args)
    into = harness.work if args.smoke else HERE
    args.json = args.json or str(into / "results.json")
    args.report = args.report or str(into / "REPORT.md")
    args.plot = args.plot or str(into / "plot.svg")
    return harness.run()


if __name__ == "__main__":
    sys.exit(main())
