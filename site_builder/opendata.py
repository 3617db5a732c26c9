"""Open data published with the site: data/cases.json, data/cases.csv and data/references.json."""

from __future__ import annotations

import csv
import io
import json

from .metadata import SiteMeta, csl_items, page_url
from .model import Case
from .project import Project

CSV_COLUMNS = (
    "id", "url", "title", "indication", "age", "sex", "skin_type", "treatment", "frequency", "duration_days",
    "amount_ml", "amount_mg", "combined_procedures", "comparator", "key_outcome", "key_outcome_timepoint",
    "adverse_events", "learning_points", "source", "source_locator", "withdrawn",
)


def case_row(case: Case, meta: SiteMeta) -> dict[str, object]:
    """One case as a flat row: the columns of the case table, plus identifiers."""
    regimen = case.intervention.regimen
    return {
        "id": case.id,
        "url": page_url(meta, f"cases/{case.id}.md"),
        "title": case.title,
        "indication": case.indication,
        "age": case.patient.age if case.patient.age is not None else case.patient.age_band,
        "sex": case.patient.sex.value,
        "skin_type": case.patient.skin_type or "",
        "treatment": case.intervention.summary,
        "frequency": regimen.frequency or "",
        "duration_days": regimen.duration_days or "",
        "amount_ml": regimen.amount_ml or "",
        "amount_mg": regimen.amount_mg or "",
        "combined_procedures": "; ".join(p.type for p in case.intervention.combined_procedures),
        "comparator": case.comparator.kind.value if case.comparator else "",
        "key_outcome": case.key_outcome.description,
        "key_outcome_timepoint": case.key_outcome.timepoint or "",
        "adverse_events": case.adverse_events.status.value,
        "learning_points": " | ".join(case.learning_points),
        "source": case.source.citation,
        "source_locator": case.source.case_label or "",
        "withdrawn": case.withdrawn.date if case.withdrawn else "",
    }


def open_data(project: Project, meta: SiteMeta) -> dict[str, bytes]:
    """The open-data files, keyed by their docs-relative path."""
    cases = sorted(project.cases.values(), key=lambda c: c.id)
    records = [{"url": page_url(meta, f"cases/{c.id}.md"), **c.model_dump(mode="json", exclude_none=True)} for c in cases]
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for case in cases:
        writer.writerow(case_row(case, meta))
    return {
        "data/cases.json": (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        "data/cases.csv": table.getvalue().encode("utf-8"),
        "data/references.json": csl_items(list(project.references.values())).encode("utf-8"),
    }
