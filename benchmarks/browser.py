"""What a reader's browser does with a built site: Playwright driving Debian's Chromium against the site served on 127.0.0.1.

Measured, for a fresh browser (empty cache):

- the bytes a first-time reader downloads to open one page (every response, uncompressed, read from the
  served files), and the requests the page makes to any other host (blocked, counted, listed);
- the bytes downloaded for a first search: open the home page, type one query, wait for its results (with
  Material's search box; with Pagefind wired in: the header's box, then the search page, its script and Pagefind's
  files; else Pagefind's JavaScript API on the home page);
- for the search quality check, the top five result URLs of each query, with Material's search box or
  with Pagefind's JavaScript API (`/pagefind/pagefind.js`);
- elements wider than the viewport, and tables that have to scroll sideways, at 390 px and 1280 px.

    python -m benchmarks.browser SITE --page cases/ID/ --query melasma --json out.json
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CHROMIUM = Path(os.environ.get("SB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WIDTHS = {"mobile": (390, 844), "desktop": (1280, 900)}
# Elements wider than the viewport (the page scrolls sideways), and tables wider than their box (the table scrolls
# inside its own box). A table inside a scroll box that is marked with a visible cue is counted apart.
LAYOUT_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      const r = a.getBoundingClientRect();
      if (o !== 'visible' && r.right <= vw + 1 && r.left >= -1) return true; }
    return false; };
  const wide = [...document.querySelectorAll('.md-content *, .md-footer *')].filter(e => { const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > vw + 1 || r.left < -1) && !clipped(e); })
    .map(e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : ''));
  const tables = [...document.querySelectorAll('article table')];
  const scrolling = tables.filter(t => {
    const box = t.closest('.md-typeset__scrollwrap, .sb-scroll') || t.parentElement;
    return box.scrollWidth > box.clientWidth + 1;
  });
  const cued = scrolling.filter(t => t.closest('[data-sb-scroll-cue]'));
  return {page_scrolls: document.documentElement.scrollWidth > vw + 1, wide: wide.slice(0, 10), wide_count: wide.length,
          tables: tables.length, tables_scrolling: scrolling.length, tables_scrolling_with_cue: cued.length};
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    with _Server(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join()


class Probe:
    """One browser against one served site."""

    def __init__(self, site: Path, browser: Any, base: str):
        self.site, self.browser, self.base = site, browser, base

    def _file_bytes(self, url: str) -> int:
        path = unquote(urlsplit(url).path).lstrip("/")
        target = self.site / path
        if target.is_dir() or path == "" or path.endswith("/"):
            target = target / "index.html"
        return target.stat().st_size if target.is_file() else 0

    def context(self, width: int = 1280, height: int = 900) -> tuple[Any, Any, dict[str, Any]]:
        """A fresh context (empty cache) that records its requests and blocks every other host."""
        record: dict[str, Any] = {"local": [], "outside": []}
        context = self.browser.new_context(viewport={"width": width, "height": height}, base_url=self.base)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(self.base):
                record["local"].append(url)
                r.continue_()
            elif url.startswith("data:") or url.startswith("blob:"):
                r.continue_()
            else:
                record["outside"].append(url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(int(os.environ.get("SB_BENCH_BROWSER_TIMEOUT_MS", "300000")))
        return context, page, record

    def bytes_of(self, urls: list[str]) -> int:
        """Each file once: Playwright's routing turns the browser's cache off, so a stylesheet the next page asks for
        again is requested again, where a reader's browser would have it already."""
        return sum(self._file_bytes(u) for u in dict.fromkeys(urls))

    def page_weight(self, path: str) -> dict[str, Any]:
        context, page, record = self.context()
        try:
            page.goto(path, wait_until="networkidle")
            local = list(record["local"])
            return {"path": path, "bytes": self.bytes_of(local), "requests": len(local),
                    "outside_requests": len(record["outside"]), "outside_hosts": sorted({urlsplit(u).netloc for u in record["outside"]})}
        finally:
            context.close()

    def material_search(self, query: str, page: Any = None) -> list[str]:
        own = page is None
        if own:
            context, page, _record = self.context()
            page.goto("", wait_until="networkidle")
        box = page.locator("input.md-search__input")
        box.click()
        box.fill("")  # each query on its own, not appended to the last one
        page.keyboard.type(query, delay=5)
        page.wait_for_function("q => document.querySelector('input.md-search__input').value === q", arg=query)
        page.wait_for_timeout(1500)  # the search runs as one types: let the full query's search settle
        # Results of this query, not the last one's: Material marks each result link with the query (?h=...)
        page.wait_for_function(
            """w => { const m = document.querySelector('.md-search-result__meta');
                     if (!m || !/match/i.test(m.textContent)) return false;
                     if (/no matching/i.test(m.textContent)) return true;
                     const a = document.querySelector('.md-search-result__item > a');
                     return a && decodeURIComponent(a.href).toLowerCase().includes('h=' + w); }""",
            arg=query.split()[0].lower())
        hrefs = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.getAttribute('href'))")
        if own:
            context.close()
        found: list[str] = []
        for href in hrefs:  # a page's sections follow the page itself: keep pages, in order
            path = urlsplit(href).path.lstrip("/")
            if path not in found:
                found.append(path)
        return found[:5]

    def wired(self) -> bool:
        """Pagefind wired in: the site has its search page and index (else Pagefind was added for the evaluation)."""
        return (self.site / "search" / "index.html").is_file() and (self.site / "pagefind").is_dir()

    def site_search(self, query: str, page: Any) -> list[str]:
        """The wired-in search: the header's search box sends the query to the search page (search/), whose script
        shows Pagefind's results; the top five result pages, in order."""
        page.locator("form.sb-search-form input[name=q]").fill(query)
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=*")
        page.wait_for_function("() => /found/.test((document.querySelector('.sb-search__status') || {}).textContent || '')")
        hrefs = page.eval_on_selector_all(".sb-search__result h2 a", "els => els.map(e => e.getAttribute('href'))")
        return [urlsplit(h).path.lstrip("/") for h in hrefs[:5]]

    def pagefind_search(self, query: str, page: Any) -> list[str]:
        urls = page.evaluate(
            """async q => { const pf = await import('/pagefind/pagefind.js'); const r = await pf.search(q);
                 const d = await Promise.all(r.results.slice(0, 5).map(x => x.data())); return d.map(x => x.url); }""", query)
        return [urlsplit(u).path.lstrip("/") for u in urls]

    def first_search(self, engine: str, query: str) -> dict[str, Any]:
        """Bytes from opening the home page to the first results of one query (all of it, and the search files alone)."""
        context, page, record = self.context()
        try:
            start = time.perf_counter()
            page.goto("", wait_until="networkidle")
            page_urls = list(record["local"])
            if engine == "material":
                results = self.material_search(query, page)
            elif self.wired():
                results = self.site_search(query, page)
            else:
                results = self.pagefind_search(query, page)
            page.wait_for_load_state("networkidle")
            seconds = time.perf_counter() - start
            local = list(record["local"])
            search_urls = [u for u in local if "/search/" in u or "/pagefind/" in u or "/workers/search" in u]
            if engine == "pagefind":  # Pagefind's files (and, wired in, the search page and its script)
                search_urls = [u for u in local[len(page_urls):] if "/pagefind/" in u or "/search/" in u or u.endswith("/search.js")]
            return {"engine": engine, "query": query, "bytes_all": self.bytes_of(local), "bytes_page": self.bytes_of(page_urls),
                    "bytes_search": self.bytes_of(search_urls), "requests": len(local), "seconds": round(seconds, 2), "results": results}
        finally:
            context.close()

    def quality(self, engine: str, queries: list[dict[str, Any]]) -> dict[str, Any]:
        """Each query's top five; a hit when an expected page is among them."""
        context, page, _record = self.context()
        rows = []
        try:
            page.goto("", wait_until="networkidle")
            for q in queries:
                try:
                    found = self.material_search(q["query"], page) if engine == "material" else self.pagefind_search(q["query"], page)
                except Exception as exc:  # noqa: BLE001 - a failed query is reported, not fatal
                    found = [f"error: {str(exc).splitlines()[0]}"]
                hit = any(f in q["expect"] for f in found)
                rows.append({"query": q["query"], "expect": q["expect"][:3], "top5": found, "hit": hit})
        finally:
            context.close()
        # method 3: every query typed into an emptied box, its own results awaited (methods 1 and 2 could read the last query's)
        return {"engine": engine, "method": 3, "hits": sum(r["hit"] for r in rows), "queries": len(rows), "rows": rows}

    def layout(self, path: str) -> dict[str, Any]:
        out = {}
        for name, (w, h) in WIDTHS.items():
            context, page, _record = self.context(w, h)
            try:
                page.goto(path, wait_until="networkidle")
                out[name] = page.evaluate(LAYOUT_JS)
            finally:
                context.close()
        return out


@contextlib.contextmanager
def probe(site: Path) -> Iterator[Probe]:
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield Probe(site, browser, base)
        finally:
            browser.close()


def measure(site: Path, pages: dict[str, str], query: str, engines: list[str], queries: list[dict[str, Any]], layout: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"pages": {}, "search": {}, "quality": {}, "layout": {}}
    with probe(site) as p:
        for kind, path in pages.items():
            out["pages"][kind] = p.page_weight(path)
        for engine in engines:
            out["search"][engine] = p.first_search(engine, query)
            if queries:
                out["quality"][engine] = p.quality(engine, queries)
        for kind in layout:
            out["layout"][kind] = p.layout(pages[kind])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--page", action="append", default=[], metavar="KIND=PATH", help="a page to weigh, e.g. case=cases/ID/")
    parser.add_argument("--query", default="melasma")
    parser.add_argument("--engine", action="append", default=[], choices=["material", "pagefind"],
                        help="material: Material's search box; pagefind: the site's search page (header box, then search/) "
                             "where the site has one, else Pagefind's JavaScript API on the home page")
    parser.add_argument("--queries", type=Path, help="JSON list of {query, expect: [paths]} for the quality check")
    parser.add_argument("--layout", action="append", default=[], metavar="KIND", help="check the layout of this page kind at 390 and 1280 px")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    pages = dict(item.split("=", 1) for item in args.page)
    queries = json.loads(args.queries.read_text(encoding="utf-8")) if args.queries else []
    result = measure(args.site.resolve(), pages, args.query, args.engine, queries, args.layout)
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
