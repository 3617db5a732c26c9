"""Render REPORT.md and plot.svg from a results file of benchmarks.run (figures only; the analysis is benchmarks/analysis.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .svgplot import Panel, Series, render

HERE = Path(__file__).resolve().parent
ANALYSIS = HERE / "analysis.md"
KB, MB = 1024, 1024 * 1024

TARGETS = {
    "validate_s": 10.0,  # validation of 10,000 case files
    "linear_ratio": 11.0,  # t(10,000) / t(1,000)
    "overhead": 1.15,  # plugin build / pre-generated build
    "per_case_kb": 60.0,  # site bytes per case page
    "peak_mb": 2048.0,  # peak memory at 10,000
    "search_mb": 10.0,  # search index size before a remedy is needed
}


def _stage(run: dict[str, Any], name: str) -> dict[str, Any] | None:
    stage = run.get("stages", {}).get(name)
    return stage if stage and stage.get("returncode") == 0 and not stage.get("timed_out") else None


def _s(run: dict[str, Any], name: str) -> float | None:
    stage = _stage(run, name)
    return stage["seconds"] if stage else None


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _fmt_mb(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value / MB:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def _stage_cell(run: dict[str, Any], name: str) -> str:
    stage = run.get("stages", {}).get(name)
    if not stage:
        return "–"
    if stage.get("timed_out"):
        return f"timed out ({_fmt_s(stage['seconds'])} s)"
    if stage.get("returncode"):
        return f"failed (exit {stage['returncode']})"
    return f"{_fmt_s(stage['seconds'])} s / {stage['peak_mb']:.0f} MB"


def _runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(results.get("runs", []), key=lambda r: r["n"])


def _by_n(results: dict[str, Any], n: int) -> dict[str, Any] | None:
    return next((r for r in results.get("runs", []) if r["n"] == n), None)


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(target, limit, measured, met) for the issue's targets, from the largest runs available."""
    rows: list[tuple[str, str, str, bool | None]] = []
    r10k, r1k = _by_n(results, 10000), _by_n(results, 1000)
    big = r10k or (_runs(results)[-1] if results.get("runs") else None)
    if big is None:
        return rows
    label = f"{big['n']:,} cases"

    v = _s(big, "validate")
    rows.append((f"validate {label}", "< 10 s", f"{_fmt_s(v)} s", None if v is None else v < TARGETS["validate_s"]))
    vy = _s(big, "validate-libyaml")
    if vy is not None:
        rows.append((f"validate {label}, proposed libyaml change (benchmarks/patched.py)", "< 10 s", f"{_fmt_s(vy)} s", vy < TARGETS["validate_s"]))

    if r10k and r1k:
        for name, what in (("build-plugin", "mkdocs build (plugin)"), ("build-pregenerated", "mkdocs build (pre-generated)")):
            ratio = _ratio(_s(r10k, name), _s(r1k, name))
            rows.append((f"{what}: t(10,000) / t(1,000)", "≤ 11", "–" if ratio is None else f"{ratio:.2f}", None if ratio is None else ratio <= TARGETS["linear_ratio"]))
        repeat = _s(r1k, "build-plugin-timed")
        if repeat:
            ratio = _ratio(_s(r10k, "build-plugin"), repeat)
            rows.append(("mkdocs build (plugin): t(10,000) / t(1,000), against the repeat at 1,000 (`build-plugin-timed`)", "≤ 11",
                         "–" if ratio is None else f"{ratio:.2f}", None if ratio is None else ratio <= TARGETS["linear_ratio"]))
    for run in _runs(results):
        ratio = _ratio(_s(run, "build-plugin"), _s(run, "build-pregenerated"))
        rows.append((f"overhead at {run['n']:,}: plugin build / pre-generated build", "≤ 1.15", "–" if ratio is None else f"{ratio:.2f}x",
                     None if ratio is None else ratio <= TARGETS["overhead"]))
    size = big.get("sizes", {}).get("plugin")
    if size:
        per_case = size["total"] / big["n"] / KB
        rows.append((f"site size per case page at {label} (whole site / N)", "≤ 60 KB", f"{per_case:.1f} KB", per_case <= TARGETS["per_case_kb"]))
        page = size["case_pages"] / big["n"] / KB if big["n"] else 0
        rows.append((f"case page HTML alone at {label} (mean)", "≤ 60 KB", f"{page:.1f} KB", page <= TARGETS["per_case_kb"]))
    peaks = [s["peak_mb"] for name, s in big.get("stages", {}).items() if name in ("validate", "generate", "build-plugin", "build-pregenerated") and s.get("returncode") == 0]
    if peaks:
        rows.append((f"peak memory at {label} (largest stage)", "< 2 GB", f"{max(peaks):.0f} MB", max(peaks) < TARGETS["peak_mb"]))
    for run in _runs(results):
        serve = run.get("extra", {}).get("serve")
        if serve:
            reloads = [e["reload_s"] for e in serve.get("edits", []) if e.get("reload_s") is not None]
            rows.append((f"mkdocs serve at {run['n']:,}: save → reload", "report", (", ".join(f"{r:.1f} s" for r in reloads) or serve.get("error", "–")), None))
    for run in _runs(results):
        size = run.get("sizes", {}).get("plugin")
        if size and size.get("search_index"):
            mb = size["search_index"] / MB
            rows.append((f"search index at {run['n']:,}", "≤ 10 MB, else a remedy", f"{mb:.1f} MB", mb <= TARGETS["search_mb"]))
    return rows


def _plot(results: dict[str, Any], path: Path) -> None:
    runs = [r for r in _runs(results) if r["n"] > 0]
    if not runs:
        return

    def pts(name: str) -> list[tuple[float, float]]:
        return [(r["n"], _s(r, name)) for r in runs if _s(r, name)]

    times = Panel("Time against number of cases", "cases (N)", "seconds")
    times.series = [
        Series("mkdocs build, plugin", pts("build-plugin")),
        Series("mkdocs build, pre-generated", pts("build-pregenerated")),
        Series("site-builder generate", pts("generate")),
        Series("site-builder validate", pts("validate")),
    ]
    anchor = next((r for r in runs if r["n"] == 1000 and _s(r, "build-plugin")), None) or next((r for r in runs if _s(r, "build-plugin")), None)
    if anchor:
        t, n = _s(anchor, "build-plugin"), anchor["n"]
        times.series.append(Series(f"linear from N={n:,} (plugin build)", [(r["n"], t * r["n"] / n) for r in runs], dashed=True, colour="#777"))
    times.hlines = [(10.0, "10 s: validation target at 10,000")]

    sizes = Panel("Size against number of cases", "cases (N)", "MB")

    def size_pts(kind: str, key: str) -> list[tuple[float, float]]:
        return [(r["n"], r["sizes"][kind][key] / MB) for r in runs if r.get("sizes", {}).get(kind, {}).get(key)]

    sizes.series = [
        Series("site (plugin build)", size_pts("plugin", "total")),
        Series("search_index.json", size_pts("plugin", "search_index")),
        Series("search_index.json, limited (remedy A)", size_pts("limited", "search_index")),
        Series("Pagefind: one query downloads, typical (remedy B)", [
            (r["n"], (pf["per_query_estimate"] - pf["chunk_max"] + pf["index_bytes"] / max(1, pf["index_chunks"])) / MB)
            for r in runs if (pf := r.get("sizes", {}).get("pagefind"))
        ]),
    ]
    if runs:
        sizes.series.append(Series("60 KB per case", [(r["n"], r["n"] * 60 * KB / MB) for r in runs], dashed=True, colour="#777"))
    sizes.hlines = [(10.0, "10 MB search index")]
    machine = results.get("machine", {})
    caption = f"{machine.get('nproc', '?')} cores, Python {machine.get('python', '?')}, MkDocs {machine.get('mkdocs', '?')}, Material {machine.get('mkdocs-material', '?')}; {results.get('started', '')}"
    path.write_text(render([times, sizes], caption=caption), encoding="utf-8")


def write_report(results: dict[str, Any], report: Path, plot: Path) -> None:
    """Write the Markdown report and the SVG plot."""
    report.parent.mkdir(parents=True, exist_ok=True)
    plot.parent.mkdir(parents=True, exist_ok=True)
    _plot(results, plot)
    runs = _runs(results)
    machine = results.get("machine", {})
    code = results.get("code", {})
    out: list[str] = []
    w = out.append
    w("# Scale benchmark report")
    w("")
    w("Written by `python -m benchmarks.run` (see [README.md](README.md)); the figures below are from one run of the harness on this")
    w("machine. Analysis and proposals are in the last section (kept in `benchmarks/analysis.md`).")
    w("")
    for earlier in results.get("earlier", []):
        ns = ", ".join(f"{n:,}" for n in earlier.get("n", []))
        w(f"- Command for N = {ns}: `{earlier.get('command', '')}` (started {earlier.get('started', '?')})")
    others = [r["n"] for r in runs if not any(r["n"] in e.get("n", []) for e in results.get("earlier", []))]
    w(f"- Command{' for N = ' + ', '.join(f'{n:,}' for n in others) if results.get('earlier') else ''}: `{results.get('command', '')}`")
    w(f"- Started {results.get('started', '?')}, finished {results.get('finished', '(still running or stopped)')}")
    dirty = code.get("dirty") or []
    w(f"- Code: snapshot of the working tree at `{code.get('head', '?')}` ({code.get('subject', '')})"
      + (f", with uncommitted changes in {len(dirty)} files of other issues in progress" if dirty else "")
      + (f", taken {code['taken']}" if code.get("taken") else "")
      + ("; every N was measured on this same snapshot" if code.get("reused") else ""))
    for r in runs:
        for redo in r.get("redone", []):
            w(f"- N = {r['n']:,}: stages {', '.join(redo['stages'])} repeated at {redo['at']} (`--redo`), same snapshot")
    w("- Sizes: MB = 2^20 bytes, KB = 2^10 bytes.")
    w("- Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items() if k in ("nproc", "cpu", "memory")))
    w("- Software: " + ", ".join(f"{k} {v}" for k, v in machine.items() if k not in ("nproc", "cpu", "memory", "os")))
    w("")
    rel = os.path.relpath(plot, report.parent)
    w(f"![Build time and site size against the number of cases]({rel})")
    w("")

    w("## Targets")
    w("")
    w("| target | limit | measured | verdict |")
    w("|---|---|---|---|")
    for name, limit, measured, ok in targets(results):
        w(f"| {name} | {limit} | {measured} | {_verdict(ok)} |")
    w("")

    w("## Corpus")
    w("")
    w("Synthetic projects from `benchmarks/corpus.py`: cases built from the eight real ones and validated with the real `Case` model;")
    w("a bibliography of the 42 real entries plus M synthetic ones; the repository's content pages, templates and mkdocs.yml.")
    w("")
    w("| N | indications | references | case files (mean) | case folder |")
    w("|---:|---:|---:|---:|---:|")
    for r in runs:
        c = r.get("corpus", {})
        folder = r.get("sizes", {}).get("cases-folder", {})
        mean = c.get("case_bytes", 0) / max(1, c.get("cases", 1)) / KB
        w(f"| {r['n']:,} | {c.get('indications', '–')} | {c.get('references', '–')} | {mean:.1f} KB | {_fmt_mb(folder.get('total'))} MB |")
    w("")

    w("## Time and peak memory per stage")
    w("")
    w("Each cell is wall time / peak resident memory of that stage's own process (`/usr/bin/time -v`).")
    w("")
    w("| N | validate | generate | mkdocs build (plugin) | mkdocs build (pre-generated) | overhead (plugin / pre-generated) | plugin − pre-generated |")
    w("|---:|---|---|---|---|---:|---:|")
    for r in runs:
        a, b = _s(r, "build-plugin"), _s(r, "build-pregenerated")
        ratio = _ratio(a, b)
        diff = f"{a - b:.1f} s" if a is not None and b is not None else "–"
        w(f"| {r['n']:,} | {_stage_cell(r, 'validate')} | {_stage_cell(r, 'generate')} | {_stage_cell(r, 'build-plugin')} | "
          f"{_stage_cell(r, 'build-pregenerated')} | {'–' if ratio is None else f'{ratio:.2f}x'} | {diff} |")
    w("")
    per_case = [(r["n"], _s(r, "build-plugin"), _s(r, "build-pregenerated"), _s(r, "validate"), _s(r, "generate")) for r in runs]
    if any(p[1] for p in per_case):
        w("Per case (ms), which is flat when a stage is linear:")
        w("")
        w("| N | validate | generate | build (plugin) | build (pre-generated) |")
        w("|---:|---:|---:|---:|---:|")
        for n, a, b, v, g in per_case:
            cell = lambda t: "–" if t is None else f"{t / n * 1000:.1f}"  # noqa: E731
            w(f"| {n:,} | {cell(v)} | {cell(g)} | {cell(a)} | {cell(b)} |")
        w("")

    w("## Site size")
    w("")
    w("| N | site | files | per case (site / N) | case page HTML (mean / max) | all cases page | largest indication page | references page | largest page | search_index.json (gzip) |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in runs:
        s = r.get("sizes", {}).get("plugin")
        if not s:
            continue
        n = r["n"]
        w(f"| {n:,} | {_fmt_mb(s['total'])} MB | {s['files']:,} | {s['total'] / n / KB:.1f} KB | {s['case_pages'] / n / KB:.1f} / {s['case_page_max'] / KB:.1f} KB | "
          f"{_fmt_mb(s['cases_index'], 2)} MB | {_fmt_mb(s['indication_page_max'], 2)} MB | {_fmt_mb(s['references_page'], 2)} MB | "
          f"`{s['largest_page']}` | {_fmt_mb(s['search_index'])} MB ({_fmt_mb(s['search_index_gz'])} MB) |")
    w("")
    same = [r for r in runs if r.get("sizes", {}).get("pregenerated") and r.get("sizes", {}).get("plugin")]
    if same:
        w("The pre-generated build writes the same pages: " + "; ".join(
            f"N={r['n']:,}: {r['sizes']['plugin']['html_pages']:,} vs {r['sizes']['pregenerated']['html_pages']:,} HTML pages, "
            f"{_fmt_mb(r['sizes']['plugin']['total'])} vs {_fmt_mb(r['sizes']['pregenerated']['total'])} MB" for r in same) + ".")
        w("")

    w("## Search index")
    w("")
    w("Material's search loads one `search_index.json` into every visitor's browser. Remedy A (`benchmarks/search_limit_hook.py`) keeps")
    w("repeated and secondary sections out of it; remedy B replaces it with Pagefind's chunked index (`python -m pagefind`), where a")
    w("query downloads the runtime and UI, the metadata, the index chunk for its word and the fragments of the five results it")
    w("shows: the estimate below adds those file sizes, with a chunk of mean size (and, at most, the largest chunk).")
    w("")
    w("| N | index (gzip) | remedy A: limited index (gzip) | remedy A build | Pagefind: bundle / files | Pagefind: largest chunk | Pagefind: one query downloads (est.) | Pagefind time |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        s, lim, pf = (r.get("sizes", {}).get(k) for k in ("plugin", "limited", "pagefind"))
        if not s:
            continue
        lim_cell = f"{_fmt_mb(lim['search_index'])} MB ({_fmt_mb(lim['search_index_gz'])} MB)" if lim else "–"
        if pf:
            mean_chunk = pf["index_bytes"] / max(1, pf["index_chunks"])
            typical = pf["per_query_estimate"] - pf["chunk_max"] + mean_chunk
            pf_cells = (f"{_fmt_mb(pf['total'])} MB / {pf['files']:,}", f"{pf['chunk_max'] / KB:.0f} KB (mean {mean_chunk / KB:.0f} KB)",
                        f"{typical / KB:.0f} KB (at most {pf['per_query_estimate'] / KB:.0f} KB)")
        else:
            pf_cells = ("–", "–", "–")
        w(f"| {r['n']:,} | {_fmt_mb(s['search_index'])} MB ({_fmt_mb(s['search_index_gz'])} MB) | {lim_cell} | {_stage_cell(r, 'build-limited-index')} | "
          f"{pf_cells[0]} | {pf_cells[1]} | {pf_cells[2]} | {_fmt_s(_s(r, 'pagefind'))} s |")
    w("")

    phase_runs = [r for r in runs if r.get("extra", {}).get("phases")]
    if phase_runs:
        w("## Where the generator's time goes")
        w("")
        w("`benchmarks/phases.py`: `load_project` and `build_site` in one process with timers on their parts (inclusive wall time;")
        w("nested parts overlap, e.g. Markdown is inside the templates). The last column, where present, is the same run with the")
        w("proposed changes of `benchmarks/patched.py` applied as monkeypatches.")
        w("")
        for r in phase_runs:
            ph, alt = r["extra"]["phases"], r["extra"].get("phases-patched")
            patches = ", ".join(alt.get("patches", [])) if alt else ""
            w(f"N={r['n']:,}: `load_project` {ph['load_project_s']:.1f} s" + (f" ({alt['load_project_s']:.1f} s with {patches})" if alt else "")
              + f", `build_site` {ph['build_site_s']:.1f} s" + (f" ({alt['build_site_s']:.1f} s with {patches})" if alt else "") + f", {ph['pages']:,} pages.")
            w("")
            w("| part | seconds | calls | ms per case |" + (f" with {patches} |" if alt else ""))
            w("|---|---:|---:|---:|" + ("---:|" if alt else ""))
            for label, part in ph["parts"].items():
                extra = ""
                if alt:
                    other = alt["parts"].get(label)
                    extra = f" {other['s']:.2f} |" if other else " – |"
                w(f"| {label} | {part['s']:.2f} | {part['calls']:,} | {part['s'] / r['n'] * 1000:.2f} |{extra}")
            w("")

    variant_runs = [r for r in runs if _stage(r, "validate-libyaml") or _stage(r, "build-plugin-patched")]
    if variant_runs:
        w("## Proposed changes measured")
        w("")
        w("The same commands through `benchmarks/patched.py`, which applies proposed site_builder changes as monkeypatches:")
        w("`libyaml` (yamlsource parses with `yaml.CSafeLoader`), `libyaml-pages` (site.py reads and writes page front matter")
        w("with `CSafeLoader`/`CSafeDumper`), `csl-prune` (csl.Formatter removes the elements citeproc leaves in its style tree);")
        w("together they give byte-identical pages. `time-on-files` only reports how long the plugin's")
        w("`on_files` (the whole generator) takes inside the build.")
        w("")
        w("| N | validate | validate, libyaml | build (plugin): total / in on_files | same, patched: total / in on_files | build (pre-generated) | overhead | overhead, patched |")
        w("|---:|---|---|---|---|---|---:|---:|")
        for r in variant_runs:
            timed, patched = _stage(r, "build-plugin-timed"), _stage(r, "build-plugin-patched")

            def cell(stage: dict[str, Any] | None) -> str:
                if not stage:
                    return "–"
                inner = f" / {stage['on_files_s']:.1f} s" if stage.get("on_files_s") is not None else ""
                return f"{_fmt_s(stage['seconds'])} s{inner} ({stage['peak_mb']:.0f} MB)"

            pre = _s(r, "build-pregenerated")
            ratio = _ratio(timed["seconds"] if timed else _s(r, "build-plugin"), pre)
            ratio_p = _ratio(patched["seconds"] if patched else None, pre)
            w(f"| {r['n']:,} | {_stage_cell(r, 'validate')} | {_stage_cell(r, 'validate-libyaml')} | {cell(timed)} | {cell(patched)} | "
              f"{_stage_cell(r, 'build-pregenerated')} | {'–' if ratio is None else f'{ratio:.2f}x'} | {'–' if ratio_p is None else f'{ratio_p:.2f}x'} |")
        w("")

    serve_runs = [r for r in runs if r.get("extra", {}).get("serve")]
    if serve_runs:
        w("## `mkdocs serve`: from saving a case file to the reload")
        w("")
        w("`benchmarks/serve.py`: the server on 127.0.0.1, one case file's title changed and saved; seconds after the save until the")
        w("server noticed it, until it told the browsers to reload (rebuild done), and until the page served over HTTP showed the change.")
        w("")
        w("| N | first build | edit | detected | reload | page shows the change |")
        w("|---:|---:|---:|---:|---:|---:|")
        for r in serve_runs:
            serve = r["extra"]["serve"]
            for i, e in enumerate(serve.get("edits", []), 1):
                w(f"| {r['n']:,} | {_fmt_s(serve.get('first_build_s'))} s | {i} | {_fmt_s(e.get('detected_s'))} s | {_fmt_s(e.get('reload_s'))} s | {_fmt_s(e.get('page_s'))} s |")
            if serve.get("error"):
                w(f"| {r['n']:,} | {_fmt_s(serve.get('first_build_s'))} s | – | – | – | {serve['error']} |")
        w("")

    failures = [(r["n"], name, s) for r in runs for name, s in r.get("stages", {}).items() if s.get("returncode") or s.get("timed_out")]
    if failures:
        w("## Failed stages")
        w("")
        for n, name, s in failures:
            w(f"- N={n:,} `{name}`: exit {s.get('returncode')}{' (timed out)' if s.get('timed_out') else ''}; log `{s.get('log')}`")
            tail = (s.get("error_tail") or "").strip().splitlines()[-8:]
            if tail:
                w("")
                w("  ```text")
                for line in tail:
                    w(f"  {line[:200]}")
                w("  ```")
        w("")

    if ANALYSIS.is_file():
        w("## Analysis")
        w("")
        w(ANALYSIS.read_text(encoding="utf-8").strip())
        w("")
    report.write_text("\n".join(out), encoding="utf-8")
