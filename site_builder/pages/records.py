"""Every record, a case or a study, seen the same way by the pages that list records.

A list page needs the same few facts of each record whatever its kind: where its page is, its design and
evidence level, how many people it covers, which publications it rests on and its key outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from site_builder.records.evidence import EVIDENCE
from site_builder.records.evidence import EvidenceLevel as Evidence
from site_builder.records.model import Case, Comparator, Outcome
from site_builder.records.study import MeasuredOutcome, Study

CASE_FOLDER = "cases"
STUDY_FOLDER = "studies"


@dataclass(frozen=True)
class RecordView:
    """One record as list pages show it."""

    kind: str  # "case" or "study": which page template and folder it belongs to
    record: Case | Study  # the loaded record itself, for what only one kind has
    folder: str  # docs folder of its page
    evidence: Evidence  # design and evidence level, from the model
    n: int  # participants the record covers
    reports: tuple[str, ...]  # citation keys of the publications it rests on, its main source first

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def indication(self) -> str:
        return self.record.indication

    @property
    def path(self) -> str:
        """Its page, docs-relative."""
        return f"{self.folder}/{self.record.id}.md"

    @property
    def source(self) -> str:
        """The citation key of its main source."""
        return self.reports[0]

    @property
    def key_outcome(self) -> Outcome | MeasuredOutcome:
        return self.record.key_outcome

    @property
    def comparison(self) -> Comparator | None:
        """The comparison within the same people, when the source reports one."""
        value = self.record.comparator
        return value if isinstance(value, Comparator) else None

    @property
    def withdrawn(self) -> bool:
        return self.record.withdrawn is not None

    @property
    def plain_summary(self) -> str:
        return self.record.summary.plain_language

    @property
    def clinician_summary(self) -> str:
        return self.record.summary.clinician


def evidence_of(record: Case | Study) -> Evidence:
    """The design and evidence level of a record (from the model's one table)."""
    return record.evidence


def all_designs() -> list[Evidence]:
    """Every design with its evidence level, weakest first."""
    return sorted(EVIDENCE.values(), key=lambda level: level.rank)


def case_view(case: Case) -> RecordView:
    """A case report: one person, its single source."""
    return RecordView("case", case, CASE_FOLDER, evidence_of(case), 1, (case.source.citation, *(r.citation for r in case.source.reports)))


def study_view(study: Study) -> RecordView:
    """A study: its participants, its main report first, then its other reports."""
    return RecordView("study", study, STUDY_FOLDER, evidence_of(study), study.participants, (study.source.citation, *(r.citation for r in study.source.reports)))


def strongest_first(views: Iterable[RecordView]) -> list[RecordView]:
    """Strongest design first; within a design, larger records first, then by id."""
    return sorted(views, key=lambda v: (-v.evidence.rank, -v.n, v.id))


def by_design(views: Iterable[RecordView]) -> list[tuple[Evidence, list[RecordView]]]:
    """Records grouped by design, strongest design first."""
    groups: dict[str, tuple[Evidence, list[RecordView]]] = {}
    for view in strongest_first(views):
        groups.setdefault(view.evidence.design, (view.evidence, []))[1].append(view)
    return list(groups.values())
