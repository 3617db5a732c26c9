"""Publications as the site shows them: every work that a record rests on, with its records and their notes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from site_builder.records.model import CONSULTED_TEXT, PROVENANCE_TEXT, REPORT_ROLE_TEXT, EditorialNote, Reference
from site_builder.pages.wording import upper_first
from site_builder.pages.records import RecordView, strongest_first

FOLDER = "publications"
TITLE_WORDS = 8  # a work without authors or venue is named by the start of its title
VENUE_FIELDS = ("eventtitle", "booktitle", "howpublished", "journal", "organization", "institution", "publisher")


def short_citation(ref: Reference) -> str:
    """Author and year as readers name a paper: 'Majewska et al. 2025', 'Roe and Doe 2023'."""
    names = [a for a in ref.authors if not a.is_others] or [e for e in ref.editors if not e.is_others]
    year = publication_year(ref)
    if not names:  # named by where it appeared, else by its title, as reference lists do for anonymous works
        venue = next((ref.get(f).strip() for f in VENUE_FIELDS if ref.get(f).strip()), "")
        words = ref.get("title").strip("[] ").split()
        lead = venue or (" ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "") if words else ref.key)
        return lead if lead.endswith(year) else f"{lead} {year}"
    elif len(names) == 1 and len(ref.authors or ref.editors) == 1:
        lead = names[0].family
    elif len(names) == 2 and len(ref.authors or ref.editors) == 2:
        lead = f"{names[0].family} and {names[1].family}"
    else:
        lead = f"{names[0].family} et al."
    return f"{lead} {year}"


def publication_year(ref: Reference) -> str:
    """The year of publication, or 'n.d.' (no date) when the entry gives none."""
    year = ref.get("year").strip() or ref.get("date").strip()[:4]
    return year or "n.d."


def slug(key: str) -> str:
    """A citation key as a URL segment: lowercase letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "publication"


@dataclass(frozen=True)
class Publication:
    """One publication that at least one record rests on."""

    reference: Reference
    slug: str
    records: tuple[RecordView, ...]  # strongest design first
    short: str  # 'Roe et al. 2024', with a letter after the year when two publications would read the same ('2024a')

    @property
    def key(self) -> str:
        return self.reference.key

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.slug}.md"


    @property
    def year(self) -> str:
        return publication_year(self.reference)

    @property
    def active(self) -> list[RecordView]:
        """Its records that are not withdrawn."""
        return [r for r in self.records if not r.withdrawn]

    @property
    def participants(self) -> int:
        return sum(r.n for r in self.active)

    def role(self, view: RecordView) -> str:
        """What this publication is to a record: its main source (and what the record is built from), or another report."""
        source = view.record.source
        if source.citation == self.key:
            return f"Main source; the record is {PROVENANCE_TEXT[source.based_on]}"
        report = next((r for r in source.reports if r.citation == self.key), None)
        return f"{upper_first(REPORT_ROLE_TEXT[report.role])}; {CONSULTED_TEXT[report.consulted]}" if report else ""

    @property
    def notes(self) -> list[tuple[RecordView, EditorialNote]]:
        """The discrepancies recorded in its records' editorial notes, each with the record that holds it."""
        return [(r, note) for r in self.records for note in r.record.editorial_notes]


def publications(references: dict[str, Reference], views: Iterable[RecordView]) -> list[Publication]:
    """Every work cited as a record's source or as one of its reports, most recent first, then by author."""
    by_key: dict[str, list[RecordView]] = {}
    for view in views:
        for key in dict.fromkeys(view.reports):
            if key in references:
                by_key.setdefault(key, []).append(view)
    taken: set[str] = set()
    found = []
    for key in sorted(by_key):
        base = candidate = slug(key)
        count = 1
        while candidate in taken:
            count += 1
            candidate = f"{base}-{count}"
        taken.add(candidate)
        found.append((references[key], candidate, tuple(strongest_first(by_key[key]))))
    shorts = [short_citation(ref) for ref, _, _ in found]
    named = []
    for (ref, candidate, records), short in zip(found, shorts):
        same = [i for i, other in enumerate(shorts) if other == short]
        letter = chr(ord("a") + same.index(len(named))) if len(same) > 1 else ""
        named.append(Publication(ref, candidate, records, short + letter))
    return sorted(named, key=lambda p: (_year_order(p.year), p.short, p.key))


def _year_order(year: str) -> int:
    return -int(year) if year.isdigit() else 0
