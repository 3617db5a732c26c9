"""What the data knows about the whole site, for list pages and for hand-written content pages.

Content pages under content/ are Jinja templates over these variables, rendered once before their citations
are resolved, so that no hand-written page states a count or a list that the records already hold:

    records        every record that is not withdrawn, strongest design first (cases and studies)
    cases          the case records among them (one person each)
    studies        the study records among them (more than one person each)
    participants   the number of people all these records cover together
    publications   every publication a record rests on, most recent first
    indications    every indication, in the site's order, each with its records (`item.indication`, `item.records`)
    withdrawn      the withdrawn records, whose pages stay as tombstones
    designs        every design a record can have, weakest first, with its evidence level
    publication    publication(key): the publication of a citation key, or none

Generated pages see the same variables (a page's own values, such as an indication's records, take precedence).

Filters: `words` writes a small number as a word ("eight"), `plural(n)` adds an "s" to a noun unless n is one,
`link` turns a docs path into a link from the page. Macros: `{% import "macros.html.j2" as m with context %}` (they
write HTML, which Markdown passes through).
Jinja comments use `{## ... ##}`, so that Markdown's `{#anchor}` keeps its meaning."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from site_builder.records.model import Indication
from site_builder.project import Project
from site_builder.pages.publications import Publication, publications
from site_builder.pages.records import RecordView, all_designs, by_design, strongest_first
from site_builder.pages.wording import plural, words



def designs_in_words(records: Iterable[RecordView]) -> str:
    """'one case series and two single case reports': the records counted by design, strongest first."""
    parts = [f"{words(len(group))} {plural(evidence.name.lower(), len(group))}" for evidence, group in by_design(records)]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


@dataclass(frozen=True)
class IndicationRecords:
    """An indication with its records, strongest design first."""

    indication: Indication
    records: list[RecordView]

    @property
    def participants(self) -> int:
        return sum(r.n for r in self.records)


@dataclass(frozen=True)
class SiteFacts:
    """The variables every list page and content page can use."""

    records: list[RecordView]
    publications: list[Publication]
    indications: list[IndicationRecords]
    withdrawn: list[RecordView] = field(default_factory=list)

    @property
    def cases(self) -> list[RecordView]:
        return [r for r in self.records if r.kind == "case"]

    @property
    def studies(self) -> list[RecordView]:
        return [r for r in self.records if r.kind != "case"]

    @property
    def participants(self) -> int:
        return sum(r.n for r in self.records)

    @cached_property
    def _publication_by_key(self) -> dict[str, Publication]:
        return {p.key: p for p in self.publications}

    def publication(self, key: str) -> Publication | None:
        """The publication of a citation key, when a record rests on it."""
        return self._publication_by_key.get(key)

    def variables(self) -> dict[str, object]:
        """The documented variables of content pages."""
        return {
            "records": self.records,
            "cases": self.cases,
            "studies": self.studies,
            "participants": self.participants,
            "publications": self.publications,
            "indications": self.indications,
            "withdrawn": self.withdrawn,
            "designs": all_designs(),
            "publication": self.publication,
        }


def site_facts(project: Project, views: list[RecordView]) -> SiteFacts:
    """Counts, publications and indications as the records give them."""
    indications = sorted(project.indications.values(), key=lambda i: (i.order, i.id))
    active = strongest_first(v for v in views if not v.withdrawn)
    return SiteFacts(
        records=active,
        publications=publications(project.references, views),
        indications=[IndicationRecords(i, [v for v in active if v.indication == i.id]) for i in indications],
        withdrawn=[v for v in views if v.withdrawn],
    )
