"""A fact the source does not give is shown as "not reported in the source", never as "none" or a default.

The test walks every optional field of the record models. Each fact (a field that can hold an Absence) is left
unset, one at a time, in a sample record that fills every fact; the record's page must then say "not reported in
the source" once more than before and "none" no more often. Every other optional field must be named below with
the reason it is not a fact of the source, so that a new optional field cannot silently default to a claim.
"""

from __future__ import annotations

import copy
import re
import shutil
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from conftest import ROOTS
from site_builder.records.model import Case, Record, is_fact_marker
from site_builder.project import ProjectPaths, load_project
from site_builder.pages.site import build_site
from site_builder.records.study import Study

ROOT = ROOTS / "not-reported"
FILES = {Case: ("cases/full-case.yaml", "cases/full-case.md"), Study: ("studies/full-study.yaml", "studies/full-study.md")}
NOT_REPORTED = re.compile(r"not reported in the source", re.I)
NONE = re.compile(r"\bnone\b", re.I)
TAG = re.compile(r"<[^>]+>")

# Optional fields that are not facts of the source, with the reason. Paths use [] for list items.
NOT_FACTS = {
    "tags": "navigation, not a fact",
    "tags.procedures": "navigation, not a fact",
    "tags.body_sites": "navigation, not a fact",
    "review": "editorial review dates",
    "draft": "editorial state: a draft is checked but not built",
    "withdrawn": "editorial state",
    "privacy_allowlist": "reviewed privacy exceptions",
    "learning_points": "our commentary; no section when there is none",
    "editorial_notes": "our notes on discrepancies",
    "figures": "optional by provenance: an abstract has none",
    "figures[].image": "a reproduced image is optional",
    "figures[].consent": "attestation for a reproduced image",
    "figures[].consent.identifiable": "attestation for a reproduced image",
    "figures[].consent.form_version": "attestation for a reproduced image",
    "figures[].consent.year": "attestation for a reproduced image",
    "timeline.events[].day": "an event gives its day or its week",
    "timeline.events[].week": "an event gives its day or its week",
    "review.next_review": "editorial review dates",
    "timeline": "required by provenance for full texts; optional for abstracts (the page says not reported)",
    "patient.age_band": "an alternative way of giving patient.age",
    "intervention.regimen.description": "our wording of the regimen",
    "intervention.combined_procedures[].description": "our wording of the procedure",
    "intervention.combined_procedures[].settings.other": "free text for settings the fields cannot hold",
    "intervention.description": "our wording of the intervention",
    "intervention.regimen": "a case's regimen object is always present; its facts are walked",
    "adverse_events.description": "our wording of what the source says",
    "follow_up.description": "our wording of the follow-up",
    "outcomes[].key": "marks the key outcome; a default of false claims nothing",
    "outcomes[].group": "the subgroup an outcome is for; absent means all participants",
    "outcomes[].comparison": "what a change compares, shown when given",
    "outcomes[].value": "the number behind as_printed, which is always shown",
    "outcomes[].bound": "a qualifier of the value",
    "outcomes[].reported_in": "which report gives the value; absent means the main source",
    "consent.held_by": "required for unpublished records; for published ones the source's statement is the fact",
    "consent.scope": "required for unpublished records; for published ones the source's statement is the fact",
    "consent.form_version": "attestation detail of unpublished records",
    "consent.year": "attestation detail of unpublished records",
    "source.role": "what kind of report the main source is (metadata)",
    "source.consulted": "how much of the main source was read (metadata)",
    "source.reports": "other reports of the same work (metadata)",
    "source.case_label": "how the source names the case (metadata)",
    "population.age.mean": "parts of an age summary: at least one is required",
    "population.age.spread": "parts of an age summary",
    "population.age.median": "parts of an age summary",
    "population.age.min": "parts of an age summary",
    "population.age.max": "parts of an age summary",
    "outcomes[].spread.value": "shape of a spread, checked by its validator",
    "outcomes[].spread.low": "shape of a spread, checked by its validator",
    "outcomes[].spread.high": "shape of a spread, checked by its validator",
    "population.age.spread.value": "shape of a spread, checked by its validator",
    "population.age.spread.low": "shape of a spread, checked by its validator",
    "population.age.spread.high": "shape of a spread, checked by its validator",
    "source.reports[].locator": "where a summary stands in another paper",
    "source.reports[].note": "our note on a report",
    "comparator.description": "required within a comparator",
}


def _is_fact(annotation: Any) -> bool:
    """Whether a field's type carries the Fact marker (a value or an Absence)."""
    if typing.get_origin(annotation) is typing.Annotated:
        if any(is_fact_marker(m) for m in annotation.__metadata__):
            return True
    return any(_is_fact(arg) for arg in typing.get_args(annotation))


def _records(annotation: Any) -> list[tuple[type[BaseModel], bool]]:
    """The record models inside a field's type, each with whether it sits in a list."""
    found: list[tuple[type[BaseModel], bool]] = []
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return [(annotation, False)]
    for arg in typing.get_args(annotation):
        for model, listed in _records(arg):
            found.append((model, listed or typing.get_origin(annotation) is list))
    return found


def optional_fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, tuple[str | int, ...], bool]]:
    """Every optional field under model: (display path, data path, is a fact)."""
    out = []
    for name, info in model.model_fields.items():
        display = f"{prefix}{name}"
        if not info.is_required():
            out.append((display, name, _is_fact(info.annotation)))
        for sub, listed in _records(info.annotation):
            for child_display, child_path, fact in optional_fields(sub, f"{display}[]." if listed else f"{display}."):
                out.append((child_display, child_path, fact))
    return out


def _paths(model: type[BaseModel]) -> list[tuple[str, bool]]:
    seen: dict[str, bool] = {}
    for display, _, fact in optional_fields(model):
        seen.setdefault(display, fact)
    return list(seen.items())


def _delete(data: dict[str, Any], display: str) -> bool:
    """Remove the field at a display path (list items: the first); False when the sample does not hold it."""
    parts = display.replace("[]", ".[]").split(".")
    node: Any = data
    for part in parts[:-1]:
        if part == "[]":
            if not isinstance(node, list) or not node:
                return False
            node = node[0]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    if not isinstance(node, dict) or parts[-1] not in node:
        return False
    del node[parts[-1]]
    return True


def _page_text(root: Path, model: type[BaseModel]) -> tuple[str, list[str]]:
    project = load_project(ProjectPaths(root))
    if project.errors:
        return "", [str(p) for p in project.errors]
    site = build_site(project)
    assert not site.problems, site.problems
    return TAG.sub(" ", site.pages[FILES[model][1]].document()), []


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[type[BaseModel], tuple[int, int]]:
    root = tmp_path_factory.mktemp("baseline") / "project"
    shutil.copytree(ROOT, root)
    counts = {}
    for model in FILES:
        text, errors = _page_text(root, model)
        assert not errors, errors
        counts[model] = (len(NOT_REPORTED.findall(text)), len(NONE.findall(text)))
    return counts


def test_every_optional_field_is_a_fact_or_named_with_a_reason() -> None:
    for model in FILES:
        for display, fact in _paths(model):
            assert fact or display in NOT_FACTS, f"{model.__name__}.{display} is optional but neither a Fact nor in NOT_FACTS"


def test_no_fact_has_a_default_value() -> None:
    def walk(model: type[BaseModel], where: str) -> None:
        for name, info in model.model_fields.items():
            if _is_fact(info.annotation) and not info.is_required():
                assert info.default is None and info.default_factory is None, f"{where}{name} defaults to {info.default!r}"
            for sub, _ in _records(info.annotation):
                walk(sub, f"{where}{name}.")

    for model in FILES:
        walk(model, f"{model.__name__}.")


@pytest.mark.parametrize("model", list(FILES), ids=lambda m: m.__name__)
def test_the_sample_fills_every_fact(model: type[BaseModel]) -> None:
    data = yaml.safe_load((ROOT / FILES[model][0]).read_text(encoding="utf-8"))
    for display, fact in _paths(model):
        if fact:
            assert _delete(copy.deepcopy(data), display), f"the sample {FILES[model][0]} does not fill {display}"


FACT_PATHS = [(model, display) for model in FILES for display, fact in _paths(model) if fact]


@pytest.mark.parametrize(("model", "display"), FACT_PATHS, ids=[f"{m.__name__}.{d}" for m, d in FACT_PATHS])
def test_an_unset_fact_reads_not_reported_and_never_none(model: type[BaseModel], display: str, baseline, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT, root)
    path = root / FILES[model][0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _delete(data, display)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    text, errors = _page_text(root, model)
    if errors:
        # A fact that the record's provenance requires (what a published source says about consent) is reported
        # as a located error at that field instead of being printed at all.
        assert all(display in error for error in errors), errors
        return
    not_reported, none = len(NOT_REPORTED.findall(text)), len(NONE.findall(text))
    assert not_reported > baseline[model][0], f"{display}: the page does not say 'not reported in the source' for it"
    assert none <= baseline[model][1], f"{display}: the page says 'none' for a fact the source does not report"


@pytest.mark.parametrize("model", list(FILES), ids=lambda m: m.__name__)
def test_the_source_saying_none_is_shown_as_such(model: type[BaseModel], tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT, root)
    path = root / FILES[model][0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["intervention"]["combined_procedures"] = "none"
    data["comparator"] = "not-applicable"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    text, errors = _page_text(root, model)
    assert not errors, errors
    assert "none, as the source states" in text
    assert "does not apply" in text
