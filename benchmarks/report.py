"""REPORT.md and plot.svg from a results file of benchmarks.run (figures only; the hand-written analysis is analysis.md)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .svgplot import Panel, Series, render

HERE = Path(__file__).resolve().parent
ANALYSIS = HERE / "analysis.md"
KB, MB = 1024, 1024 * 1024
ENGINE_STAGES = (("after/build", "our build (plugin)"), ("after/mkdocs-plain", "plain MkDocs, generated tree"),
                 ("after/zensical", "Zensical, generated tree"), ("before/build", f"baseline build (plugin)"))


# The issue's own "now" figures, shown where this run did not measure the baseline (--baseline-at), marked as such.
ISSUE_BEFORE = {"linearity": "10.6", "peak": "2.55 GB", "validate": "46 s", "search": "44 MB"}


def _before(measured: str, key: str) -> str:
    return measured if measured != "–" else f"not run here (the issue: {ISSUE_BEFORE[key]})"


def _stage(run: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    stage = (run or {}).get("stages", {}).get(key)
    return stage if stage and stage.get("returncode") == 0 and not stage.get("timed_out") else None


def _s(run: dict[str, Any] | None, key: str) -> float | None:
    stage = _stage(run, key)
    return stage["seconds"] if stage else None


def _mb(run: dict[str, Any] | None, key: str) -> float | None:
    stage = _stage(run, key)
    return stage["peak_mb"] if stage else None


def _cpu(run: dict[str, Any] | None, key: str) -> float | None:
    stage = _stage(run, key)
    return stage["user_s"] + stage["sys_s"] if stage else None


def _rounds(run: dict[str, Any] | None) -> list[dict[str, dict[str, Any]]]:
    """A run's stages by round, each {key: result}: the first runs, then each round of benchmarks.run --pairs-at."""
    return [(run or {}).get("stages", {})] + (run or {}).get("repeats", [])


def stages_run(run: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every stage a run measured, as (key, result), round after round."""
    return [item for stages in _rounds(run) for item in stages.items()]


def _pair_ratios(run: dict[str, Any] | None, keys: tuple[str, ...]) -> tuple[float | None, float | None, int]:
    """Over the rounds in which all of keys succeeded: the median of each round's ratio keys[0] / (the sum of the
    others), in wall seconds and in CPU seconds, and how many rounds that is. Each ratio compares stages run one after
    the other in the same round, so that the machine's speed, which drifts from round to round on a shared machine,
    cancels out; a stage that failed in a round leaves that whole round out."""
    rounds = [r for r in _rounds(run) if all(_stage({"stages": r}, key) for key in keys)]
    if not rounds:
        return None, None, 0

    def median(measure: Callable[[dict[str, Any]], float]) -> float | None:
        ratios = [_ratio(measure(r[keys[0]]), sum(measure(r[k]) for k in keys[1:])) for r in rounds]
        known = [ratio for ratio in ratios if ratio is not None]  # a round that measured no time in the denominator
        return statistics.median(known) if known else None

    return median(lambda s: s["seconds"]), median(lambda s: s["user_s"] + s["sys_s"]), len(rounds)


def _run(results: dict[str, Any], label: str) -> dict[str, Any] | None:
    return next((r for r in results.get("runs", []) if r["label"] == label), None)


def _sized(results: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((r for r in results.get("runs", []) if r.get("n")), key=lambda r: r["n"])


def _sum(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _secs(v: float | None) -> str:
    return "–" if v is None else (f"{v:.1f} s" if v < 100 else f"{v:.0f} s")


def _bytes(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v / MB:.1f} MB" if v >= MB else f"{v / KB:.0f} KB"


def _memory(v: float | None) -> str:
    return "–" if v is None else (f"{v / 1024:.2f} GB" if v >= 1024 else f"{v:.0f} MB")


def _r(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def _cell(run: dict[str, Any] | None, key: str) -> str:
    stage = (run or {}).get("stages", {}).get(key)
    if not stage:
        return "–"
    if stage.get("timed_out"):
        return f"timed out after {_secs(stage['seconds'])}"
    if stage.get("returncode"):
        return f"failed (exit {stage['returncode']})"
    return f"{_secs(stage['seconds'])} ({_secs(stage['user_s'] + stage['sys_s'])} CPU) / {_memory(stage['peak_mb'])}"


def _browser(run: dict[str, Any] | None, version: str) -> dict[str, Any]:
    return (run or {}).get("browser", {}).get(version, {})


def _search_bytes(run: dict[str, Any] | None, version: str, key: str = "bytes_search") -> tuple[float | None, str]:
    """Bytes for a first search with the engine the site uses (Pagefind when the site ships it, else Material):
    bytes_search, what the search itself downloads once the home page is open (Material: its index and worker;
    Pagefind: the search page, its script and Pagefind's files), or bytes_all, the home page included."""
    searches = _browser(run, version).get("search", {})
    own = searches.get("pagefind") if version == "after" and (run or {}).get("extra", {}).get("pagefind_wired") else searches.get("material")
    if not own:
        return None, ""
    return own[key], own["engine"]


def _serve(run: dict[str, Any] | None, version: str) -> float | None:
    serve = (run or {}).get("extra", {}).get(f"{version}/serve") or {}
    pages = [e.get("page_s") or e.get("reload_s") for e in serve.get("edits", [])]
    pages = [p for p in pages if p is not None]
    return max(pages) if pages else None


def _layout(run: dict[str, Any] | None, version: str, kind: str, width: str, key: str) -> Any:
    return _browser(run, version).get("layout", {}).get(kind, {}).get(width, {}).get(key)


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, str, str, bool | None]]:
    """(what, before, after, ratio, target, met) for every row of the issue's table."""
    r1k, r10k, repo = _run(results, "n1000"), _run(results, "n10000"), _run(results, "repo")
    rows: list[tuple[str, str, str, str, str, bool | None]] = []

    b = _sum(_s(r1k, "before/validate"), _s(r1k, "before/build"))
    a = _sum(_s(r1k, "after/validate"), _s(r1k, "after/build"))
    ratio = _ratio(a, b)
    rows.append(("validate + build, 1,000 records, against the baseline in the same run", _secs(b), _secs(a), _r(ratio), "ratio ≤ 0.15",
                 None if ratio is None else ratio <= 0.15))

    b = _sum(_cpu(r1k, "before/validate"), _cpu(r1k, "before/build"))
    a = _sum(_cpu(r1k, "after/validate"), _cpu(r1k, "after/build"))
    ratio = _ratio(a, b)
    rows.append(("the same, CPU time (user + system; less sensitive to the shared machine's load)", _secs(b), _secs(a), _r(ratio), "ratio ≤ 0.15",
                 None if ratio is None else ratio <= 0.15))

    lin = {v: _ratio(_s(r10k, f"{v}/build"), _s(r1k, f"{v}/build")) for v in ("before", "after")}
    rows.append(("build time t(10k) / t(1k)", _before(_r(lin["before"]), "linearity"), _r(lin["after"]), "–", "≤ 10.5", None if lin["after"] is None else lin["after"] <= 10.5))

    def peak(run: dict[str, Any] | None, version: str) -> float | None:
        peaks = [_mb(run, f"{version}/{s}") for s in ("validate", "build")]
        return None if None in peaks else max(peaks)  # type: ignore[type-var]

    pb, pa = peak(r10k, "before"), peak(r10k, "after")
    rows.append(("peak memory, 10,000 records (validate, build)", _before(_memory(pb), "peak"), _memory(pa), _r(_ratio(pa, pb)), "≤ 1 GB", None if pa is None else pa <= 1024))

    vb, va = _s(r10k, "before/validate"), _s(r10k, "after/validate")
    rows.append(("`site-builder validate`, 10,000 files", _before(_secs(vb), "validate"), _secs(va), _r(_ratio(va, vb)), "≤ 5 s", None if va is None else va <= 5))

    sb, sa = _serve(r1k, "before"), _serve(r1k, "after")
    shown = "–" if sa is None else f"{sa:.2f} s"  # two decimals: the target is a round 2 s
    rows.append(("save a case → page reloaded, 1,000 records (`mkdocs serve`), the slowest of the saves", _secs(sb), shown, _r(_ratio(sa, sb)), "≤ 2 s", None if sa is None else sa <= 2))

    qb, _ = _search_bytes(r10k, "before")
    qa, engine = _search_bytes(r10k, "after")
    rows.append((f"bytes a reader downloads for a first search, 10,000 records (the search's own files{', ' + engine if engine else ''}; the issue's figure is its index)",
                 _before(_bytes(qb), "search"), _bytes(qa), _r(_ratio(qa, qb)), "≤ 500 KB", None if qa is None else qa <= 500 * KB))
    qb, _ = _search_bytes(r10k, "before", "bytes_all")
    qa, engine = _search_bytes(r10k, "after", "bytes_all")
    rows.append(("the same, counting the home page the reader opened first",
                 _bytes(qb), _bytes(qa), _r(_ratio(qa, qb)), "≤ 500 KB", None if qa is None else qa <= 500 * KB))

    for label, run in (("real records", repo), ("1,000", r1k), ("10,000", r10k)):
        pb_, pa_ = (_browser(run, v).get("pages", {}).get("case", {}) for v in ("before", "after"))
        if not pa_ and not pb_:
            continue
        records = (repo or {}).get("records", {}).get("after") if run is repo else None
        name = f"{records} real records" if records else f"{label} records"

        def fmt(p: dict[str, Any]) -> str:
            if not p:
                return "–"
            hosts = p.get("outside_hosts") or []
            return _bytes(p["bytes"]) + (f" + {len(hosts)} third-party host ({', '.join(hosts)})" if hosts else ", no third-party host")

        ok = None if not pa_ else pa_["bytes"] <= 300 * KB and not pa_.get("outside_hosts")
        rows.append((f"a first-time reader's download for a case page (uncompressed), {name}", fmt(pb_), fmt(pa_),
                     _r(_ratio(pa_.get("bytes"), pb_.get("bytes"))), "≤ 300 KB, no third-party host", ok))

    for width, label in (("desktop", "1280 px"), ("mobile", "390 px")):
        def desc(version: str) -> str:
            scroll = _layout(repo, version, "indication", width, "tables_scrolling")
            if scroll is None:
                return "–"
            cued = _layout(repo, version, "indication", width, "tables_scrolling_with_cue")
            wide = sum(_layout(repo, version, k, width, "wide_count") or 0 for k in ("home", "indication", "case", "cases"))
            return f"{scroll} scrolling ({cued} with a cue); {wide} elements past the viewport"

        scroll = _layout(repo, "after", "indication", width, "tables_scrolling")
        cued = _layout(repo, "after", "indication", width, "tables_scrolling_with_cue")
        wide = sum(_layout(repo, "after", k, width, "wide_count") or 0 for k in ("home", "indication", "case", "cases"))
        ok = None if scroll is None else (wide == 0 and (scroll == 0 if width == "desktop" else scroll == cued))
        target = "0 scrolling" if width == "desktop" else "cards, or a scroll box with a visible cue"
        rows.append((f"indication evidence table at {label} (and elements wider than the viewport on 4 page kinds)", desc("before"), desc("after"), "–", target, ok))

    for run in _sized(results):
        for keys, what in ((("after/build", "after/mkdocs-plain"), "plugin build (with its search index) / plain MkDocs build (no search) of the same generated pages"),
                           (("after/build", "after/mkdocs-plain", "after/plain-index"), "the same, the plain build followed by `site-builder index` (both sites then searchable)")):
            if keys[-1] not in run.get("stages", {}):
                continue
            ratio, cpu_ratio, rounds = _pair_ratios(run, keys)
            times = f", the median ratio of the {rounds} rounds in which {'both' if len(keys) == 2 else 'all three'} ran" if rounds > 1 else ""
            rows.append((f"{what}, {run['n']:,} records{times}", "–", f"{_r(ratio)} wall, {_r(cpu_ratio)} CPU", "–", "≤ 1.15",
                         None if ratio is None or cpu_ratio is None else max(ratio, cpu_ratio) <= 1.15))
    return rows


# Parts of our own commands measured alone in the run, named as the floors section shows them.
PARTS = {"after/index-alone": "Pagefind over our built site (`site-builder index`, as the build ends)",
         "after/yaml-events": "libyaml's events of the record files, pulled alone (`python -m benchmarks.floors`)"}
OWN_SECONDS = {"after/index-alone": "index_alone_pagefind_s", "after/yaml-events": "yaml_events_s"}  # what the command said of its own work


def _own_s(run: dict[str, Any] | None, key: str) -> float | None:
    """The seconds a part's command said it worked (Pagefind's process; the events pulled), without Python's start
    and imports, which the command's stage time includes."""
    return (run or {}).get("extra", {}).get(OWN_SECONDS[key]) if _stage(run, key) else None


def floors(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, what it allows, the parts measured alone, what that leaves) for the targets a part of our own
    commands bounds from below: our build runs `site-builder index`'s Pagefind over the site it wrote, in a process of
    its own, and validate's parse pulls every event libyaml gives; so neither command can take less than its part."""
    r1k, r10k = _run(results, "n1000"), _run(results, "n10000")
    rows: list[tuple[str, str, str, str]] = []

    def part(run: dict[str, Any] | None, key: str, measure: Callable[[dict[str, Any] | None, str], float | None],
             show: Callable[[float | None], str]) -> tuple[str, float | None]:
        value = measure(run, key)
        return (f"{PARTS[key]}: {show(value)}" if value is not None else f"{PARTS[key]}: not measured"), value

    before = _sum(_s(r1k, "before/validate"), _s(r1k, "before/build"))
    allowed = None if before is None else 0.15 * before
    (index_text, index_s), (events_text, events_s) = part(r1k, "after/index-alone", _own_s, _secs), part(r1k, "after/yaml-events", _own_s, _secs)
    together = _sum(index_s, events_s)
    spent = _sum(_s(r1k, "after/validate"), _s(r1k, "after/build"))
    left = "–"
    if together is not None and allowed is not None:
        rest = None if spent is None else spent - together
        left = (f"{_secs(together)} together, {together / allowed:.2f} × the allowance; {_secs(max(allowed - together, 0.0))} left for the rest"
                + (f", which took {_secs(rest)} here" if rest is not None else ""))
    rows.append(("validate + build, 1,000 records, ratio ≤ 0.15", f"{_secs(allowed)} (0.15 × {_secs(before)})" if allowed else "–",
                 f"{index_text}; {events_text}", left))

    text, peak = part(r10k, "after/index-alone", _mb, _memory)
    rows.append(("peak memory, 10,000 records, ≤ 1 GB", "1 GB", text, "–" if peak is None else f"{peak / 1024:.2f} × the target by itself"))

    text, events = part(r10k, "after/yaml-events", _own_s, _secs)
    spent = _s(r10k, "after/validate")
    left = "–" if events is None else (f"{events / 5:.2f} × the target; {_secs(max(5 - events, 0.0))} left for the rest"
                                       + (f", which took {_secs(spent - events)} here" if spent is not None else ""))
    rows.append(("`site-builder validate`, 10,000 files, ≤ 5 s", "5 s", text, left))
    return rows


def _plot(results: dict[str, Any], path: Path) -> None:
    runs = _sized(results)
    if not runs:
        return

    def pts(key: str, fn=_s) -> list[tuple[float, float]]:  # noqa: ANN001
        return [(r["n"], fn(r, key)) for r in runs if fn(r, key)]

    times = Panel("Build time against records", "records (N)", "seconds")
    times.series = [Series(label, pts(key)) for key, label in ENGINE_STAGES]
    times.series.append(Series("validate (ours)", pts("after/validate")))
    memory = Panel("Peak memory of the build", "records (N)", "MB")
    memory.series = [Series(label, pts(key, _mb)) for key, label in ENGINE_STAGES]
    memory.hlines = [(1024, "target 1 GB")]

    def search_pts(version: str) -> list[tuple[float, float]]:
        out = []
        for r in runs:
            value, _ = _search_bytes(r, version)
            if value:
                out.append((r["n"], value / KB))
        return out

    search = Panel("First search: bytes downloaded", "records (N)", "KB")
    search.series = [Series("baseline", search_pts("before")), Series("ours", search_pts("after"))]
    pf = [(r["n"], _browser(r, "after").get("search", {}).get("pagefind", {}).get("bytes_all", 0) / KB) for r in runs
          if _browser(r, "after").get("search", {}).get("pagefind")]
    if pf:
        search.series.append(Series("Pagefind (evaluated)", pf, dashed=True))
    search.hlines = [(500, "target 500 KB")]
    path.write_text(render([times, memory, search], width=1200, caption="benchmarks/run.py; log-log axes"), encoding="utf-8")


def write_report(results: dict[str, Any], report: Path, plot: Path) -> None:
    _plot(results, plot)
    m, code = results.get("machine", {}), results.get("code", {})
    out: list[str] = ["# Scale benchmark report", ""]
    out.append("Written by `python -m benchmarks.run` (see [README.md](README.md)); every figure below comes from the one run described here.")
    out.append("")
    out.append(f"- Command: `{results.get('command', '')}`")
    out.append(f"- Started {results.get('started', '?')}, finished {results.get('finished', 'not yet (partial results)')}")
    after, before = code.get("after", {}), code.get("before", {})
    out.append(f"- After: the working tree at `{after.get('commit', '?')}` ({after.get('subject', '')})"
               + (f", with uncommitted changes in {len(after['dirty'])} files" if after.get("dirty") else ""))
    out.append(f"- Before: " + (f"commit `{before['commit']}` ({before.get('subject', '')}), exported with `git archive` and run the same way"
                                if before.get("commit") else before.get("error", "not measured")))
    load = m.get("load")
    at_start = f"; load average when the run started {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (1, 5, 15 min)" if load else ""
    out.append(f"- Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('memory')}{at_start}; what else ran meanwhile, if anything, is said in the analysis")
    out.append("- Software: " + ", ".join(f"{k} {v}" for k, v in m.items() if k not in ("nproc", "cpu", "memory")))
    z = results.get("zensical", {})
    out.append(f"- Zensical: {'version ' + z['version'] if z.get('installed') else z.get('note', 'not installed')}")
    out.append("- Sizes: KB = 1,024 bytes, MB = 1,024 KB, GB = 1,024 MB; memory is the peak resident set of the stage's process (`/usr/bin/time -v`).")
    out.append("")
    out.append("![Build time, peak memory and first-search bytes against records](plot.svg)")
    out.append("")
    out.append("## Targets of issue 14")
    out.append("")
    out.append("| what | before | after | ratio | target | verdict |")
    out.append("|---|---|---|---:|---|---|")
    for what, b, a, ratio, target, ok in targets(results):
        out.append(f"| {what} | {b} | {a} | {ratio} | {target} | {_verdict(ok)} |")
    out.append("")
    out.append("## Parts of our commands measured alone")
    out.append("")
    out.append("Our build ends by running Pagefind over the site it wrote, exactly as `site-builder index` does, in a process of its own; "
               "validate's parse pulls every event libyaml gives for each record file. Each part ran alone in this run; its time "
               "is what the part's command said of its own work, without Python's start and imports. A command cannot take "
               "less time than its part; what a target allows beyond the parts is what the rest of the command (our code, "
               "MkDocs, the theme) would have to fit in. The build's peak memory is its Pagefind process's peak whenever that "
               "is the largest; the same run over the same site peaks a few per cent higher or lower from one run to the next "
               "(compare `index-alone` with `build` in the next table).")
    out.append("")
    out.append("| target | what it allows | parts measured alone | what that leaves |")
    out.append("|---|---|---|---|")
    for what, allowed, parts, left in floors(results):
        out.append(f"| {what} | {allowed} | {parts} | {left} |")
    out.append("")
    out.append("## Wall time (CPU time) / peak memory per stage")
    out.append("")
    keys = ["before/validate", "before/build", "after/validate", "after/validate-again", "after/build", "after/generate", "after/mkdocs-plain", "after/plain-index", "after/zensical", "after/pagefind", "after/index-alone", "after/yaml-events"]
    out.append("| records | " + " | ".join(f"`{k}`" for k in keys) + " |")
    out.append("|---:|" + "---|" * len(keys))
    for run in _sized(results):
        out.append(f"| {run['n']:,} | " + " | ".join(_cell(run, k) for k in keys) + " |")
    repo = _run(results, "repo")
    if repo:
        out.append(f"| real records (repo) | – | {_cell(repo, 'before/build')} | – | – | {_cell(repo, 'after/build')} |" + " – |" * (len(keys) - 5))
    out.append("")
    out.append("Stages: `corpus` makes the project (`python -m benchmarks.corpus`, not timed as a target); `validate` is `site-builder validate`, a first run "
               "(its disk cache emptied); `validate-again` runs it once more with the cache the first run wrote (not a target figure); "
               "`build` is `mkdocs build` of the project (the plugin generates the pages); `generate` is `site-builder generate` (the plain tree); "
               "`mkdocs-plain` and `zensical` build that tree without our plugin; `plain-index` is `site-builder index` (Pagefind) over the plain build, "
               "the step our build ends with; `pagefind` indexes a site built without a search index (the evaluation of the last run); "
               "`index-alone` and `yaml-events` are parts of our commands measured alone (the section above).")
    repeated = [run for run in _sized(results) if run.get("repeats")]
    if repeated:
        out.append("")
        out.append("Stages run again, in turn, for the plugin / plain comparison (`--pairs-at`; the table above gives the first round), "
                   "wall time (CPU time) / peak memory of every round:")
        out.append("")
        for run in repeated:
            for key in ("after/build", "after/mkdocs-plain", "after/plain-index"):
                out.append(f"- {run['n']:,} records, `{key}`: " + "; ".join(_cell({"stages": r}, key) for r in _rounds(run)))
    skipped = [note for run in results.get("runs", []) for note in run.get("skipped", [])]
    if skipped:
        out.append("")
        out.append("Not measured in this run (by option): " + "; ".join(skipped) + ".")
    failed = [(run["label"], k, s) for run in results.get("runs", []) for k, s in stages_run(run) if s.get("returncode") or s.get("timed_out")]
    if failed:
        out.append("")
        out.append("Failed stages:")
        out.append("")
        for label, key, stage in failed:
            tail = " ".join((stage.get("error_tail") or "").strip().splitlines()[-3:])[-400:]
            out.append(f"- {label} `{key}`: exit {stage.get('returncode')}{' (timed out)' if stage.get('timed_out') else ''}: `{tail}`")
    out.append("")
    out.append("## Site size")
    out.append("")
    out.append("| records | version | site | HTML pages | case page HTML (mean) | all-cases page | search index on disk (Material's search_index.json, or the pagefind/ folder) |")
    out.append("|---:|---|---:|---:|---:|---:|---:|")
    for run in _sized(results):
        for version in ("before", "after", "mkdocs-plain", "zensical"):
            size = run.get("sizes", {}).get(version)
            if size:
                mean = size["case_pages"] / run["n"] if run["n"] else 0
                out.append(f"| {run['n']:,} | {version} | {_bytes(size['total'])} | {size['html_pages']:,} | {_bytes(mean)} | {_bytes(size['cases_index'])} | {_bytes(size['search_index'])} |")
    out.append("")
    out.append("## Search: Material's index against Pagefind")
    out.append("")
    out.append("A first search: a fresh browser opens the home page, types the query (`" + str(next((b.get('search', {}).get('material', {}).get('query') for r in results.get('runs', []) for b in r.get('browser', {}).values() if b.get('search')), 'melasma')) + "`) and waits for the results. "
               "*All* is every byte downloaded from the start; *search* is the search files alone (Material: `search/` and its worker; Pagefind: `pagefind/`).")
    out.append("")
    out.append("| records | engine | all | search | requests | seconds to results | index build | quality: expected page in top 5 |")
    out.append("|---:|---|---:|---:|---:|---:|---|---:|")
    for run in _sized(results):
        for version in ("before", "after"):
            browser = _browser(run, version)
            for engine, s in browser.get("search", {}).items():
                build = _cell(run, "after/pagefind") if engine == "pagefind" and _stage(run, "after/pagefind") else "part of the build"
                q = browser.get("quality", {}).get(engine)
                quality = f"{q['hits']} / {q['queries']}" if q and q.get("method") == 3 else ("not valid (see the analysis)" if q else "–")
                name = f"{engine} ({'baseline' if version == 'before' else 'ours'})"
                out.append(f"| {run['n']:,} | {name} | {_bytes(s['bytes_all'])} | {_bytes(s['bytes_search'])} | {s['requests']} | {s['seconds']} | {build} | {quality} |")
    for run in _sized(results):
        quality = _browser(run, "after").get("quality", {})
        if len(quality) == 2 and all(q.get("method") == 3 for q in quality.values()):
            out.append("")
            out.append(f"Queries at {run['n']:,} records (expected page; ✓ when it is in the engine's top five):")
            out.append("")
            out.append("| query | expected | Material | Pagefind |")
            out.append("|---|---|:-:|:-:|")
            for mat, pf in zip(quality["material"]["rows"], quality["pagefind"]["rows"]):
                out.append(f"| {mat['query']} | `{mat['expect'][0]}` | {'✓' if mat['hit'] else '✗'} | {'✓' if pf['hit'] else '✗'} |")
    if ANALYSIS.is_file():
        out.append("")
        out.append(ANALYSIS.read_text(encoding="utf-8").rstrip())
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(out) + "\n", encoding="utf-8")
