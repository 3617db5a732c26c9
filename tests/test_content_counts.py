"""Hand-written pages state no counts of what the data already knows (issue 11, item 6).

Counts of records, cases, patients, conditions and publications go stale as soon as a
publication is added, so content pages take them from the data (generated pages or template
variables) instead of writing them down. Numbers about what a source itself reports (for
example the size of a study it summarises, in people or participants) are facts with a locator
and are not affected.
"""

from __future__ import annotations

import re

import pytest

from conftest import REPO

NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)"
HOLDINGS = r"(?:patients|cases|case reports|single-patient reports|conditions|indications|publications|papers|records)"
COUNT = re.compile(rf"\b{NUMBER}\s+(?:published\s+)?{HOLDINGS}\b|\b(?:one|a single)\s+(?:published\s+)?(?:paper|publication)\b", re.I)


def find_counts(text: str) -> list[str]:
    """The phrases in a page's Markdown that state a count of the site's holdings."""
    return [m.group(0) for m in COUNT.finditer(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("It summarises what one published paper reports about eight patients.", ["one published paper", "eight patients"]),
        ("Browse the seven conditions and all 8 cases.", ["seven conditions", "8 cases"]),
        ("In that study, 20 people with melasma had five sessions of microneedling.", []),
        ("Each record names its source; the evidence table lists them.", []),
    ],
)
def test_count_phrases_are_recognised(text: str, found: list[str]) -> None:
    assert find_counts(text) == found


def hand_written_pages() -> list:
    return sorted(p for p in (REPO / "content").rglob("*.md") if p.name != "contributing.md")


@pytest.mark.parametrize("page", hand_written_pages(), ids=lambda p: str(p.relative_to(REPO / "content")))
def test_hand_written_pages_state_no_counts_of_the_holdings(page) -> None:
    assert not find_counts(page.read_text(encoding="utf-8")), f"{page.relative_to(REPO)}: take counts from the data"
