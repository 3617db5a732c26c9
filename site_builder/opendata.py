"""Open data published with the site: every record in full (JSON), the evidence table and the cases as CSV,
the publications and the bibliography (CSL-JSON)."""

from __future__ import annotations

import csv
import io
import json
from enum import Enum

from .metadata import SiteMeta, csl_items, page_url
from .model import Absence, Case, is_reported
from .pages.facts import SiteFacts
from .pages.publications import publication_year, short_citation
from .project import Project

CSV_COLUMNS = (
    "id", "url", "title", "indication", "age", "sex", "skin_type", "treatment", "frequency", "duration_days",
    "amount_ml", "amount_mg", "combined_procedures", "comparator", "key_outcome", "key_outcome_timepoint",
    "adverse_events", "learning_points", "source", "source_locator", "withdrawn",
)


def cell(value: object) -> object:
    """A fact as a CSV cell: its value, or the code of its absence (not-reported, none, not-applicable)."""
    if value is None:
        return Absence.not_reported.value
    return value.value if isinstance(value, Enum) else value


def case_row(case: Case, meta: SiteMeta) -> dict[str, object]:
    """One case as a flat row: the columns of the case table, plus identifiers."""
    regimen = case.intervention.regimen
    procedures = case.intervention.combined_procedures
    return {
        "id": case.id,
        "url": page_url(meta, f"cases/{case.id}.md"),
        "title": case.title,
        "indication": case.indication,
        "age": cell(case.patient.age_band if case.patient.age is None and case.patient.age_band else case.patient.age),
        "sex": cell(case.patient.sex),
        "skin_type": cell(case.patient.skin_type),
        "treatment": case.intervention.summary,
        "frequency": cell(regimen.frequency),
        "duration_days": cell(regimen.duration_days),
        "amount_ml": cell(regimen.amount_ml),
        "amount_mg": cell(regimen.amount_mg),
        "combined_procedures": "; ".join(p.type for p in procedures) if is_reported(procedures) else cell(procedures),
        "comparator": case.comparator.kind.value if is_reported(case.comparator) else cell(case.comparator),
        "key_outcome": case.key_outcome.description,
        "key_outcome_timepoint": cell(case.key_outcome.timepoint),
        "adverse_events": case.adverse_events.status.value if is_reported(case.adverse_events) else cell(case.adverse_events),
        "learning_points": " | ".join(case.learning_points),
        "source": case.source.citation,
        "source_locator": case.source.case_label or "",
        "withdrawn": case.withdrawn.date if case.withdrawn else "",
    }


RECORD_COLUMNS = (
    "id", "kind", "url", "title", "source", "source_short", "year", "reports", "design", "design_in_words",
    "ocebm_level", "grade_starting_certainty", "n", "indication", "key_outcome", "key_outcome_timepoint", "withdrawn",
)


def _csv(columns: tuple[str, ...], rows: list[dict[str, object]]) -> bytes:
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return table.getvalue().encode("utf-8")


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def record_rows(project: Project, meta: SiteMeta, facts: SiteFacts) -> list[dict[str, object]]:
    """Every record, withdrawn ones included, as a row of the evidence table."""
    rows = []
    for view in sorted([*facts.records, *facts.withdrawn], key=lambda v: (v.kind, v.id)):
        source = project.references.get(view.source)
        rows.append({
            "id": view.id,
            "kind": view.kind,
            "url": page_url(meta, view.path),
            "title": view.title,
            "source": view.source,
            "source_short": short_citation(source) if source else "",
            "year": publication_year(source) if source else "",
            "reports": "; ".join(view.reports),
            "design": view.evidence.design,
            "design_in_words": view.evidence.kind,
            "ocebm_level": view.evidence.ocebm,
            "grade_starting_certainty": view.evidence.grade,
            "n": view.n,
            "indication": view.indication,
            "key_outcome": view.key_outcome.description,
            "key_outcome_timepoint": cell(view.key_outcome.timepoint),
            "withdrawn": view.record.withdrawn.date if view.record.withdrawn else "",
        })
    return rows


def publication_items(meta: SiteMeta, facts: SiteFacts) -> list[dict[str, object]]:
    """Every publication with the records that rest on it."""
    return [
        {"key": p.key, "short": p.short, "year": p.year, "url": page_url(meta, p.path), "records": [r.id for r in p.records]}
        for p in facts.publications
    ]


def open_data(project: Project, meta: SiteMeta, facts: SiteFacts) -> dict[str, bytes]:
    """The open-data files, keyed by their docs-relative path."""
    cases = sorted(project.cases.values(), key=lambda c: c.id)
    records = [{"url": page_url(meta, f"cases/{c.id}.md"), **c.model_dump(mode="json", exclude_none=True)} for c in cases]
    return {
        "data/cases.json": _json(records),
        "data/cases.csv": _csv(CSV_COLUMNS, [case_row(case, meta) for case in cases]),
        "data/records.csv": _csv(RECORD_COLUMNS, record_rows(project, meta, facts)),
        "data/publications.json": _json(publication_items(meta, facts)),
        "data/references.json": csl_items(list(project.references.values())).encode("utf-8"),
    }
