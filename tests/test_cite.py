"""Citation span parsing."""

from __future__ import annotations

import pytest

from site_builder.records.cite import CitationSyntaxError, find_citations, replace_citations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a [@won2023biological] b", [[("won2023biological", "")]]),
        ("[@a; @b]", [[("a", ""), ("b", "")]]),
        ("[@key, p. 4]", [[("key", "p. 4")]]),
        ("[see @key, Table 2; @other2020x]", [[("key", "Table 2"), ("other2020x", "")]]),
        ("one [@a] two [@b]", [[("a", "")], [("b", "")]]),
        ("no citation here", []),
        ("mail [someone@example.org]", []),
        ("[a link with @ sign](https://example.org)", []),
    ],
)
def test_find_citations(text: str, expected: list[list[tuple[str, str]]]) -> None:
    found = [[(i.key, i.locator) for i in c.items] for c in find_citations(text)]
    assert found == expected


@pytest.mark.parametrize("text", ["[@]", "[@a", "x [@a b]", "[@a;; @b]", "[@a,]", "[@a [nested]]", "[@-bad]"])
def test_malformed_spans_raise(text: str) -> None:
    with pytest.raises(CitationSyntaxError):
        find_citations(text)


def test_error_offset_points_at_span() -> None:
    with pytest.raises(CitationSyntaxError) as info:
        find_citations("first line\nsecond [@broken")
    assert info.value.offset == len("first line\nsecond ")


def test_replace_citations_keeps_other_text() -> None:
    out = replace_citations("A [@a] and B [@b; @c].", lambda c: "<" + ",".join(c.keys) + ">")
    assert out == "A <a> and B <b,c>."


def test_reference_list_links_back_to_each_citing_sentence_and_citations_target_the_reference() -> None:
    from lxml import html as lxml_html

    from site_builder.records.markup import sanitize
    from site_builder.pages.resolve import Entry, PageCitations

    entries = {"a": Entry("Doe J. A.", "Doe J. <i>A</i>."), "b": Entry("Roe R. B.", "Roe R. B.")}
    citations = PageCitations("cases/x.md", entries)
    body = citations.resolve("One [@a]. Two [@b; @a]. Three [@a].")
    listing = citations.reference_list()
    assert "cite-a-use-3" in body and "cite-b-use-1" in body
    page = lxml_html.fromstring(f"<div>{sanitize(body)}{listing}</div>")
    ids = set(page.xpath("//@id"))
    for link in page.xpath("//sup[@class='sb-cite']//a"):  # every citation lands on the reference's own text
        (target,) = page.xpath(f"//*[@id='{link.get('href')[1:]}']")
        assert target.text_content().strip() in ("Doe J. A.", "Roe R. B.")
    back = [a.get("href")[1:] for a in page.xpath("//a[@class='sb-backref']")]
    assert back == ["cite-a-use-1", "cite-a-use-2", "cite-a-use-3", "cite-b-use-1"] and set(back) <= ids
    assert [a.text for a in page.xpath("//a[@class='sb-backref']")] == ["↩1", "↩2", "↩3", "↩"]


def test_sanitiser_keeps_only_citation_ids() -> None:
    from site_builder.records.markup import sanitize

    assert 'id="cite-a-use-1"' in sanitize('<a href="#cite-a" id="cite-a-use-1">1</a>')
    assert "id=" not in sanitize('<a href="#x" id="search">1</a>')
