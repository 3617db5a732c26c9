"""MkDocs hook: the "limited index" remedy for Material's search index (a proposal, measured by the harness).

Material's search plugin puts every section of every page into one search_index.json that each
visitor downloads and indexes in the browser; its size grows with every case. This hook keeps out of
the index what is either repeated elsewhere or secondary, so that a search still finds every case by
its title, summaries, presentation, diagnosis and learning points:

- whole pages that only repeat case content: the table of all cases and the tags page
  (front matter `search: {exclude: true}`);
- on indication pages, the sections that list the cases (their summaries, evidence table and cards);
  the indication's own text stays;
- on case pages, every section except the title block, the two summaries, presentation, diagnosis and
  learning points (the heading gets Material's `data-search-exclude` attribute).

The pages themselves do not change: Material strips `data-search-*` attributes from the HTML it writes.
To adopt it, the same attributes would go into templates/*.j2 (and into resolve.reference_list for the
"References" heading); this hook does it on the final Markdown so it can be measured without touching them.

Use: `hooks: [path/to/search_limit_hook.py]` in mkdocs.yml (needs the attr_list extension).
"""

from __future__ import annotations

import re

EXCLUDED_PAGES = {"cases/index.md", "tags.md"}
KEEP_ON_CASE_PAGES = {"summary for patients", "clinical summary", "presentation", "diagnosis", "learning points"}
DROP_ON_INDICATION_PAGES = {"in plain words", "for clinicians", "evidence table", "cases", "related literature", "references", "cite this page"}
HEADING_RE = re.compile(r"^(?P<hashes>#{2,6})[ \t]+(?P<text>.*?)[ \t]*$")
ATTR_RE = re.compile(r"\{:?(?P<inner>[^{}]*)\}[ \t]*$")
CASE_PAGE_RE = re.compile(r"^cases/(?!index\.md$)[^/]+\.md$")
INDICATION_PAGE_RE = re.compile(r"^indications/(?!index\.md$)[^/]+\.md$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")


def _title(text: str) -> str:
    return ATTR_RE.sub("", text).strip().strip("#").strip().lower()


def _exclude(line: str, match: re.Match[str]) -> str:
    attrs = ATTR_RE.search(match["text"])
    if attrs:
        start, end = attrs.span()
        text = match["text"]
        return f"{match['hashes']} {text[:start]}{{: {attrs['inner'].strip()} data-search-exclude }}"
    return f"{line.rstrip()} {{ data-search-exclude }}"


def limit(markdown: str, src_uri: str) -> tuple[str, bool]:
    """The page's Markdown with excluded sections marked, and whether the whole page is excluded."""
    if src_uri in EXCLUDED_PAGES:
        return markdown, True
    if CASE_PAGE_RE.match(src_uri):
        keep = lambda title: title in KEEP_ON_CASE_PAGES  # noqa: E731
    elif INDICATION_PAGE_RE.match(src_uri):
        keep = lambda title: title not in DROP_ON_INDICATION_PAGES  # noqa: E731
    else:
        return markdown, False
    out, fenced = [], False
    for line in markdown.split("\n"):
        if FENCE_RE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING_RE.match(line)
        if match and not keep(_title(match["text"])):
            line = _exclude(line, match)
        out.append(line)
    return "\n".join(out), False


def on_page_markdown(markdown, page, config, files):  # noqa: ANN001, ANN201 - MkDocs hook signature
    text, exclude_page = limit(markdown, page.file.src_uri)
    if exclude_page:
        search = dict(page.meta.get("search") or {})
        search["exclude"] = True
        page.meta["search"] = search
    return text
