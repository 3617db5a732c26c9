"""Reference formatting: CSL-JSON mapping, agreement with pandoc's citeproc, safe HTML."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from site_builder.citations.bib import load_bibliography, parse_bibliography
from site_builder.citations.csl import Formatter, csl_json, to_csl_json

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "bib"


@pytest.fixture(scope="module")
def real():
    refs, problems = load_bibliography(ROOT / "references.bib")
    assert not problems
    return refs


@pytest.fixture(scope="module")
def fixtures():
    refs, problems = load_bibliography(DATA / "types.bib")
    assert not problems
    return refs


@pytest.fixture(scope="module")
def ama():
    return Formatter()


def one(bibtex: str):
    refs, problems = parse_bibliography(bibtex, "test.bib")
    assert not problems
    (ref,) = refs.values()
    return ref


def visible(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_real_bibliography_to_csl_json(real):
    for key, ref in real.items():
        item = to_csl_json(ref)
        assert item["id"] == key
        assert len(item.get("author", [])) == len(ref.authors)
        if ref.authors and ref.authors[-1].is_others:
            assert item["author"][-1] == {"literal": "others"}, key
        if ref.get("doi"):
            assert item["DOI"] == ref.get("doi")
        assert "–" not in item.get("page", "") and "--" not in item.get("page", "")
        if ref.entry_type == "article" and not ref.is_preprint:
            assert item["type"] == "article-journal"
            assert item["container-title"] == ref.get("journal")
    preprint = to_csl_json(real["won2023biological"])
    assert preprint["type"] == "article"
    assert preprint["container-title"] == "bioRxiv"
    assert preprint["DOI"] == "10.1101/2023.10.17.562840"
    web = to_csl_json(real["regulation2009cosmetic"])
    assert web["type"] == "document"
    assert web["URL"] == "https://health.ec.europa.eu/system/files/2016-11/cosmetic_1223_2009_regulation_en_0.pdf"
    assert web["accessed"] == {"date-parts": [[2024, 1, 20]]}
    assert "issued" not in web and "author" not in web
    assert to_csl_json(real["kim2022plant"])["issue"] == "1"


def test_and_others_is_printed_as_et_al(ama, fixtures):
    item = to_csl_json(fixtures["fixture-article-others"])
    assert item["author"][-1] == {"literal": "others"}
    text = ama.format_item(item).text
    assert text.startswith("Alpha A, Beta B, Gamma C, et al. ")  # eight names with "others": AMA's first three
    short = one("@article{s, author = {Han, C. and Sun, X. and others}, title = {T}, journal = {J}, year = {2016}}")
    assert ama.format_item(to_csl_json(short)).text.startswith("Han C, Sun X, et al. ")  # every listed name, then et al.
    assert "others" not in ama.format_item(to_csl_json(short)).text


def test_corporate_author_is_one_literal_name(ama):
    ref = one("@report{w, author = {{World Health Organization}}, title = {Guidance}, institution = {WHO}, year = {2022}}")
    assert to_csl_json(ref)["author"] == [{"literal": "World Health Organization"}]
    assert ama.format_item(to_csl_json(ref)).text.startswith("World Health Organization. Guidance.")


def test_title_is_sentence_cased_with_protected_words_kept():
    ref = one("@article{t, author = {A, B}, title = {The {RSCE} Effect on {Rosa} Extracts: A New Hope}, journal = {J}, year = {2020}}")
    assert to_csl_json(ref)["title"] == "The RSCE effect on Rosa extracts: A new hope"
    german = one("@article{g, author = {A, B}, title = {Die Wirkung}, journal = {J}, year = {2020}, langid = {german}}")
    assert to_csl_json(german)["title"] == "Die Wirkung"


def test_preprint_is_posted_content(ama):
    ref = one("@unpublished{p, author = {Won, Y.}, title = {T}, howpublished = {bioRxiv}, note = {Preprint}, year = {2024}}")
    item = to_csl_json(ref)
    assert item["type"] == "article" and item["publisher"] == "bioRxiv"
    assert "Preprint posted online 2024" in ama.format_item(item).text


def test_entry_types_and_fields():
    ref = one(
        "@techreport{r, author = {Roe, R. and others}, title = {T}, institution = {Inst}, number = {42}, "
        "year = {2020}, month = {sep}, urldate = {2021-02}, url = {https://example.org}}"
    )
    assert to_csl_json(ref) == {
        "id": "r", "type": "report", "author": [{"family": "Roe", "given": "R."}, {"literal": "others"}], "title": "T",
        "URL": "https://example.org", "publisher": "Inst", "number": "42",
        "issued": {"date-parts": [[2020, 9]]}, "accessed": {"date-parts": [[2021, 2]]},
    }
    assert to_csl_json(one("@misc{m, title = {No link}}"))["type"] == "document"
    assert to_csl_json(one("@online{o, title = {Page}, url = {https://example.org}}"))["type"] == "webpage"
    assert to_csl_json(one("@unpublished{u, author = {A, B}, title = {T}, note = {In preparation}}"))["type"] == "manuscript"
    assert to_csl_json(one("@mastersthesis{t, author = {A, B}, title = {T}, school = {S}, year = {2001}}"))["publisher"] == "S"


def test_plain_text_has_no_number_and_matches_html(ama, real):
    for key, entry in ama.format(real.values()).items():
        assert not re.match(r"\d+\.", entry.text), key
        assert entry.text == entry.text.strip()
        assert visible(entry.html) == entry.text, key


PLAIN_STYLES = ["american-medical-association", "apa", "modern-language-association", "nature", "ieee", "chicago-author-date", "the-lancet", "associacao-brasileira-de-normas-tecnicas-ufpr"]


@pytest.mark.parametrize("style", PLAIN_STYLES)
def test_plain_text_is_what_citeproc_plain_formatter_writes(style, real, fixtures):
    """The plain text comes out of the render that makes the HTML (its markers left out); it must read as citeproc-py's
    own plain formatter writes the entry, also where the style merges punctuation across formatting ("et al." then
    ".", in Nature's style) and where an entry carries the private-use characters the markers use."""
    from citeproc import formatter as citeproc_formatter

    from site_builder.citations.csl import _for_citeproc

    marked = one("@article{m, author = {Doe, J. and others}, title = {Odd \ue000 title\ue001.}, journal = {J}, year = {2020}}")
    marked.fields["title"] = "Odd \ue000 title\ue001."  # BibTeX keeps the escape as text: put the characters in
    formatter = Formatter(style)
    for ref in [*real.values(), *fixtures.values(), marked]:
        item = to_csl_json(ref)
        expected = formatter._render(_for_citeproc(item), citeproc_formatter.plain)
        assert formatter.format_item(item).text == expected, (style, ref.key)


def test_order_does_not_matter(ama, real):
    forward = ama.format(real.values())
    backward = ama.format(reversed(list(real.values())))
    assert list(forward) == sorted(real) == list(backward)
    assert forward == backward


@pytest.mark.parametrize("style", ["american-medical-association", "apa"])
def test_an_entry_formats_alike_after_others(style, real, fixtures):
    """A Formatter keeps the answers to its style's lookups (citeproc_fixes._xpath_search): an entry formatted after
    every other one reads as it does from a Formatter that formats nothing else."""
    refs = [*real.values(), *fixtures.values()]
    shared = Formatter(style)
    after = {ref.key: shared.format_item(to_csl_json(ref)) for ref in [*refs[1:], *refs]}  # each once before, then again
    for ref in refs[:40] + refs[-10:]:
        assert Formatter(style).format_item(to_csl_json(ref)) == after[ref.key], ref.key


def test_a_date_formatted_earlier_does_not_change_later_dates() -> None:
    """citeproc-py copies a style's <date-part> settings into the locale for good when it renders a date: a report
    dated by month alone would turn every later "November 12, 2019" of this style into "Nov. 12, 2019"."""
    style = "begell-house-chicago-author-date"
    report = one("@techreport{who2017, author = {{World Health Organization}}, institution = {WHO}, title = {A report}, year = {2017}, month = feb}")
    page = {"id": "page", "type": "webpage", "title": "A case", "container-title": "Evidence site",
            "issued": {"date-parts": [[2019, 11, 12]]}, "URL": "https://example.org/cases/x/"}
    fresh = Formatter(style).format_item(page)
    assert "November 12, 2019" in fresh.text
    shared = Formatter(style)
    shared.format_item(to_csl_json(report))
    assert shared.format_item(page) == fresh


def test_hostile_title_is_escaped(ama):
    ref = one(
        "@article{x, author = {Doe, J.}, title = {<script>alert(1)</script> \\& <b onclick=\"x\">bold</b>}, "
        "journal = {J <i>Evil</i>}, year = {2020}, volume = {1}, pages = {1--2}}"
    )
    entry = ama.format([ref])["x"]
    assert "<script>" in entry.text
    assert "<script" not in entry.html and "<b " not in entry.html and "<i>Evil" not in entry.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b onclick=" in entry.html
    assert "<i>J &lt;i&gt;Evil&lt;/i&gt;</i>" in entry.html
    assert visible(entry.html) == entry.text


def test_doi_link_exactly_once(ama, real):
    doi = "10.3389/fcvm.2018.00086"
    for formatter in (ama, Formatter("apa")):
        entry = formatter.format([real["cunnane2018future"]])["cunnane2018future"]
        assert entry.html.count("<a ") == 1
        assert entry.html.count(f'href="https://doi.org/{doi}"') == 1
        assert entry.html.count(doi) == 2  # the href and the printed text, nothing appended
    assert 'doi:10.3389' in ama.format([real["cunnane2018future"]])["cunnane2018future"].text


def test_doi_link_appended_when_the_style_omits_it(real):
    entry = Formatter("nature").format([real["cunnane2018future"]])["cunnane2018future"]
    assert entry.html.count('<a href="https://doi.org/10.3389/fcvm.2018.00086" class="sb-url">') == 1


def test_url_link_without_doi(ama, real):
    entry = ama.format([real["regulation2009cosmetic"]])["regulation2009cosmetic"]
    url = real["regulation2009cosmetic"].get("url")
    assert entry.html.endswith(f'<a href="{url}" class="sb-url">{url}</a>')
    assert entry.text.count("REGULATION") == 1  # the substituted title is printed once
    assert ama.format([real["trams1981exfoliation"]])["trams1981exfoliation"].html.count("<a ") == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://example.org/x", "//example.org"])
def test_only_http_urls_are_linked(ama, url):
    ref = one(f"@misc{{w, title = {{Page}}, url = {{{url}}}, urldate = {{2024-01-20}}}}")
    entry = ama.format([ref])["w"]
    assert "<a " not in entry.html and "href" not in entry.html
    assert "<script>" not in entry.html


def test_href_is_attribute_safe(ama):
    ref = one(r'@misc{w, title = {Page}, url = {https://example.org/?a=1\&b="x"}}')
    entry = ama.format([ref])["w"]
    assert 'href="https://example.org/?a=1&amp;b=&quot;x&quot;"' in entry.html
    braces = ama.format_item({"id": "b", "type": "webpage", "title": "T", "URL": "https://example.org/{x}"})
    assert braces.html.endswith('<a href="https://example.org/{x}" class="sb-url">https://example.org/{x}</a>')


def test_empty_item_formats_to_empty_text(ama):
    assert ama.format_item({"id": "e", "type": "document"}).text == ""


def test_unknown_style_name():
    for name in ("no-such-style", "../../etc/passwd", "APA", ""):
        with pytest.raises(ValueError, match="get_all_styles"):
            Formatter(name)


def test_second_style(real):
    apa = Formatter("apa")
    assert apa.style_name == "apa"
    text = apa.format([real["kalluri2020biology"]])["kalluri2020biology"].text
    assert text.startswith("Kalluri, R., & LeBleu, V. S. (2020).")
    assert Formatter().style_name == "american-medical-association"


def test_unknown_csl_variables_are_ignored_without_warnings(ama):
    item = {"id": "z", "type": "article-journal", "title": "T", "container-title": "J", "custom": "x",
            "author": [{"family": "Doe", "given": "J.", "sequence": "first"}], "issued": {"date-parts": [[2020]]}}
    entry = ama.format_item(item)
    assert entry.text == "Doe J. T. J. Published online 2020."  # pandoc's text for the same item
    assert entry.csl is item


def test_csl_json_for_publishing(real):
    items = csl_json(real.values())
    assert [i["id"] for i in items] == sorted(real)
    assert json.loads(json.dumps(items)) == items


def test_the_bibliography_as_csl_json_follows_every_change_of_an_entry() -> None:
    """data/references.json is kept between a preview's rebuilds while the bibliography is the same: braces alone,
    which the comparison of entries leaves out, decide a title's case, so they count as a change too."""
    from site_builder.citations.metadata import csl_items

    entry = "@article{k,\n  author = {Doe, Jane},\n  title = {Exosomes in {Skin} repair},\n  journal = {J},\n  year = {2024}\n}\n"
    braced, _ = parse_bibliography(entry, "a.bib")
    plain, _ = parse_bibliography(entry.replace("{Skin}", "Skin"), "a.bib")
    first = json.loads(csl_items(list(braced.values())))
    second = json.loads(csl_items(list(plain.values())))
    assert first[0]["title"] != second[0]["title"], (first[0]["title"], second[0]["title"])
    assert json.loads(csl_items(list(braced.values()))) == first
    lines = csl_items(list(braced.values())).splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 3, "one item to a line"
