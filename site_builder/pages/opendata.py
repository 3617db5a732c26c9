"""Open data published with the site: every case and study in full (JSON), the evidence table, the cases and
every measured outcome of the studies as CSV, the publications and the bibliography (CSL-JSON)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from enum import Enum

from site_builder.citations.metadata import SiteMeta, json_item, json_lines, json_list, page_url
from site_builder.records.model import Absence, Case, is_reported
from site_builder.pages.facts import SiteFacts
from site_builder.pages.publications import publication_year
from site_builder.project import Project
from site_builder.records.study import Study

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


OUTCOME_COLUMNS = (
    "study", "url", "measure", "instrument", "group", "timepoint", "comparison", "statistic", "value", "bound", "unit",
    "as_printed", "spread", "spread_value", "spread_low", "spread_high", "p_value", "test", "n", "direction",
    "assessed_by", "reported_in", "locator", "key",
)
RECORD_COLUMNS = (
    "id", "kind", "url", "title", "source", "source_short", "year", "reports", "design", "design_in_words",
    "ocebm_level", "grade_starting_certainty", "n", "indication", "key_outcome", "key_outcome_timepoint", "withdrawn",
)


def _csv(columns: tuple[str, ...], rows: list[dict[str, object]], lines: list[str] | None = None) -> bytes:
    """A CSV table: its header, then rows, then lines already written as _csv_line writes rows."""
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if lines:
        table.write("".join(lines))
    return table.getvalue().encode("utf-8")


def _csv_line(columns: tuple[str, ...], row: dict[str, object]) -> str:
    """One row as _csv writes it (a row's line does not depend on the rows around it)."""
    line = io.StringIO()
    csv.DictWriter(line, fieldnames=columns, lineterminator="\n").writerow(row)
    return line.getvalue()


def _json(items: list[Any]) -> bytes:
    return json_list(items).encode("utf-8")


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
            "source_short": facts.publication(view.source).short if facts.publication(view.source) else "",
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


def _dump(record: Case | Study) -> dict[str, object]:
    """A record as JSON data. A fact without a value is written as its reason ('not-reported'); pydantic warns that the
    reason is not of the fact's own type (a Fact[str] holding an Absence), which is what a Fact is, so it is told not to."""
    return record.model_dump(mode="json", exclude_none=True, warnings=False)


def outcome_rows(project: Project, meta: SiteMeta) -> list[dict[str, object]]:
    """Every measured outcome of every study, one row each, as printed and as a number."""
    rows = []
    for study in sorted(project.studies.values(), key=lambda s: s.id):
        for outcome in study.outcomes:
            spread = outcome.spread if is_reported(outcome.spread) else None
            rows.append({
                "study": study.id,
                "url": page_url(meta, f"studies/{study.id}.md"),
                "measure": outcome.measure,
                "instrument": cell(outcome.instrument),
                "group": outcome.group or "all participants",
                "timepoint": cell(outcome.timepoint),
                "comparison": outcome.comparison or "",
                "statistic": outcome.statistic.value,
                "value": "" if outcome.value is None else outcome.value,
                "bound": outcome.bound or "",
                "unit": cell(outcome.unit),
                "as_printed": outcome.as_printed,
                "spread": spread.kind if spread else cell(outcome.spread),
                "spread_value": "" if spread is None or spread.value is None else spread.value,
                "spread_low": "" if spread is None or spread.low is None else spread.low,
                "spread_high": "" if spread is None or spread.high is None else spread.high,
                "p_value": cell(outcome.p_value),
                "test": cell(outcome.test),
                "n": cell(outcome.n),
                "direction": cell(outcome.direction),
                "assessed_by": cell(outcome.assessed_by),
                "reported_in": outcome.reported_in or study.source.citation,
                "locator": outcome.locator,
                "key": outcome.key,
            })
    return rows


def publication_items(meta: SiteMeta, facts: SiteFacts) -> list[dict[str, object]]:
    """Every publication with the records that rest on it."""
    return [
        {"key": p.key, "short": p.short, "year": p.year, "url": page_url(meta, p.path), "records": [r.id for r in p.records]}
        for p in facts.publications
    ]


def record_line(meta: SiteMeta, record: Case | Study) -> str:
    """One record of data/cases.json or data/studies.json, as its line: the address of its page, every field."""
    path = f"{'studies' if isinstance(record, Study) else 'cases'}/{record.id}.md"
    return json_item({"url": page_url(meta, path), **_dump(record)})


def case_line(meta: SiteMeta, case: Case) -> str:
    """One case of data/cases.csv, as its line."""
    return _csv_line(CSV_COLUMNS, case_row(case, meta))


RecordText = Callable[[SiteMeta, Any], str]  # what one record adds to a file: record_line, case_line


def made(write: RecordText, meta: SiteMeta, record: Case | Study) -> str:
    """What write makes of a record, made now (a preview passes open_data one that keeps it: site._record_lines)."""
    return write(meta, record)


def open_data(project: Project, meta: SiteMeta, facts: SiteFacts, references: str,
              text: Callable[[RecordText, SiteMeta, Any], str] = made) -> dict[str, bytes]:
    """The open-data files, keyed by their docs-relative path; references is the bibliography as CSL-JSON (csl_items);
    text(write, meta, record) is what write makes of a record (a preview's keeps the lines of unchanged records)."""
    cases = sorted(project.cases.values(), key=lambda c: c.id)
    studies = sorted(project.studies.values(), key=lambda s: s.id)
    return {
        "data/cases.json": json_lines([text(record_line, meta, c) for c in cases]).encode("utf-8"),
        "data/studies.json": json_lines([text(record_line, meta, s) for s in studies]).encode("utf-8"),
        "data/outcomes.csv": _csv(OUTCOME_COLUMNS, outcome_rows(project, meta)),
        "data/cases.csv": _csv(CSV_COLUMNS, [], [text(case_line, meta, case) for case in cases]),
        "data/records.csv": _csv(RECORD_COLUMNS, record_rows(project, meta, facts)),
        "data/publications.json": _json(publication_items(meta, facts)),
        "data/references.json": references.encode("utf-8"),
    }
