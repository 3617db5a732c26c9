"""The renderer's fast path for plain prose gives exactly what the Markdown path gives."""

from __future__ import annotations

import pytest
import yaml

from conftest import PROJECT, loaded_project
from site_builder.records.markup import needs_markdown
from site_builder.pages.render import _contributed, markdown_path
from site_builder.pages.resolve import Entry, PageCitations


def _strings(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


TEXTS = sorted({s for p in (PROJECT / "cases").glob("*.yaml") for s in _strings(yaml.safe_load(p.read_text(encoding="utf-8")))})
# Every key of the bibliography under test gets a stand-in entry (the fast path is about Markdown, not formatting).
ENTRIES = {key: Entry(f"Author A. Title of {key}. 2025.", f"Author A. <i>Title of {key}</i>. 2025.", ref.is_preprint) for key, ref in loaded_project().references.items()}
ENTRIES["won2023biological"] = Entry("Won YJ. Rose. bioRxiv.", "Won YJ. Rose.", True)


def test_most_real_prose_takes_the_fast_path() -> None:
    plain = [t for t in TEXTS if not needs_markdown(t)]
    assert len(plain) > len(TEXTS) / 2


@pytest.mark.parametrize("inline", [False, True])
def test_fast_path_equals_markdown_path(inline: bool) -> None:
    checked = 0
    for text in TEXTS + ["Plain (with brackets) and 'quotes' and \"double\" [@won2023biological, p. 4] then more."]:
        fast = _contributed(PageCitations("cases/x.md", ENTRIES), text, inline)
        citations = PageCitations("cases/x.md", ENTRIES)
        slow = markdown_path(citations, text, inline)
        assert str(fast) == str(slow).strip(), text
        checked += 1
    assert checked == len(TEXTS) + 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a<b>c", "a<b>c"),
        ("x <details>open and the rest\n\nmore text", "x <details>open and the rest more text"),
        ("a < b and c<d", "a < b and c<d"),
        ("<!-- hidden\n\nrest", "<!-- hidden rest"),
        ("**bold** and <script>alert(1)</script> [@won2023biological]", "bold and <script>alert(1)</script> [1]"),
    ],
)
def test_raw_html_in_contributed_text_is_shown_as_typed(text: str, shown: str) -> None:
    from lxml import html as lxml_html

    for inline in (False, True):
        rendered = str(_contributed(PageCitations("cases/x.md", ENTRIES), text, inline))
        tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
        assert " ".join(tree.text_content().split()) == shown, rendered
        assert not tree.xpath(".//script|.//details|.//b"), rendered
