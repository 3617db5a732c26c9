"""Citation span parsing."""

from __future__ import annotations

import pytest

from site_builder.cite import CitationSyntaxError, find_citations, replace_citations


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
