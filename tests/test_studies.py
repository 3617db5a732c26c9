"""Study records (n > 1): loading, located errors, the evidence level of each design, and the study page."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO, build_with_fixed_dates, problems_of, run_cli
from sitecheck import article
from site_builder.records.evidence import EVIDENCE, Design, evidence_level
from site_builder.records.model import PROVENANCE_TEXT, Provenance
from site_builder.project import ProjectPaths, load_project
from site_builder.records.schema import STUDY_SCHEMA_PATH, schema_text
from site_builder.records.study import Study

STUDY = "studies/sample-study.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(root: Path):
    result = run_cli("validate", str(root))
    return result, problems_of(result.stdout)


def test_sample_with_a_study_is_clean(sample) -> None:
    root = sample("with-study")
    result, problems = validate(root)
    assert result.exit_code == 0, result.stdout
    assert problems == []
    project = load_project(ProjectPaths(root))
    assert list(project.studies) == ["sample-study"]
    assert project.studies["sample-study"].participants == 20


BAD_STUDIES = [
    # (old text, new text, field, the text at the reported line, words in the message)
    ("design: case-series", "design: case-report", "design", "design:", "put it in the cases folder"),
    ("design: case-series", "design: cohort-ish", "design", "design:", "case-series"),
    ("participants: 20", "participants: 1", "participants", "participants:", "at least 2"),
    ("    statistic: mean-change", "    statistic: mean-change\n    colour: blue", "outcomes[0].colour", "colour:", "unknown field 'colour'"),
    ("    p_value: \"<0.001\"\n", "", "", "", ""),  # leaving out an optional fact is fine
    ("    timepoint: week 4\n", "", "outcomes[0]", "  - measure: Itch", "required field 'timepoint' is missing"),
    ("    reported_in: poe2024congress", "    reported_in: nobody2024", "outcomes[1].reported_in", "reported_in:", "unknown citation key 'nobody2024'"),
    ("  source_says: not-reported", "  held_by: the authors", "consent.source_says", "held_by:", "what the source says about consent"),
    ("    - citation: poe2024congress", "    - citation: ghost2024", "source.reports[0].citation", "ghost2024", "unknown citation key 'ghost2024'"),
    ("      kind: sd\n      value: 9.2", "      kind: sd\n      low: 1\n      high: 2", "population.age.spread", "spread", "one number"),
]


@pytest.mark.parametrize(("old", "new", "field", "at", "words"), BAD_STUDIES)
def test_bad_study_gives_a_located_error(sample, old: str, new: str, field: str, at: str, words: str) -> None:
    root = sample("with-study")
    edit(root, STUDY, old, new)
    result, problems = validate(root)
    if not field:
        assert result.exit_code == 0, result.stdout
        return
    assert result.exit_code == 1
    errors = [p for p in problems if p["severity"] == "error"]
    assert [(p["path"], p["field"]) for p in errors] == [(STUDY, field if field != "outcomes[0]" else "outcomes[0].timepoint")], result.stdout
    lines = (root / STUDY).read_text(encoding="utf-8").splitlines()
    assert at in lines[int(errors[0]["line"]) - 1], result.stdout
    assert words in errors[0]["message"]


def test_unpublished_record_needs_who_holds_consent(sample) -> None:
    root = sample("with-study")
    edit(root, STUDY, "  based_on: abstract", "  based_on: unpublished")
    result, problems = validate(root)
    assert result.exit_code == 1
    assert {p["field"] for p in problems} == {"consent.held_by", "consent.scope"}
    edit(root, STUDY, "  source_says: not-reported", "  held_by: the treating clinic\n  scope: publication of the series on this site")
    result, problems = validate(root)
    assert result.exit_code == 0, result.stdout


def test_unpublished_record_gets_the_strict_privacy_screen_and_its_label(sample, tmp_path: Path) -> None:
    root = sample("with-study")
    edit(root, STUDY, "  description: Adults with hand eczema [@poe2024series].", "  description: Adults seen in 2024, most in March, with hand eczema [@poe2024series].")
    result, problems = validate(root)
    assert result.exit_code == 0, "a published source's text is not screened for years and months"
    edit(root, STUDY, "  based_on: abstract", "  based_on: unpublished")
    edit(root, STUDY, "  source_says: not-reported", "  held_by: the treating clinic\n  scope: publication of the series on this site")
    result, problems = validate(root)
    assert result.exit_code == 1
    assert {(p["field"], p["message"].split("'")[1]) for p in problems} == {("population.description", "2024"), ("population.description", "March")}
    edit(root, STUDY, "seen in 2024, most in March, with", "with")
    site = build_with_fixed_dates(root / "mkdocs.yml", tmp_path / "site")
    page = " ".join(article(site / "studies" / "sample-study" / "index.html").text_content().split())
    assert "Unpublished, not peer-reviewed" in page
    card = " ".join(article(site / "indications" / "eczema" / "index.html").text_content().split())
    assert "Unpublished, not peer-reviewed" in card


def test_published_study_id_keeps_its_file(sample) -> None:
    root = sample("with-study")
    (root / "studies" / "published-ids.txt").write_text("sample-study\nremoved-study\n", encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1
    assert [(p["path"], p["line"], p["field"]) for p in problems] == [("studies/published-ids.txt", "2", "removed-study")]
    assert "published study 'removed-study' has no study file" in problems[0]["message"]


def test_duplicate_study_id_is_an_error(sample) -> None:
    root = sample("with-study")
    (root / "studies" / "nested").mkdir()
    (root / "studies" / "nested" / "sample-study.yaml").write_text((root / STUDY).read_text(encoding="utf-8"), encoding="utf-8")
    result, problems = validate(root)
    assert result.exit_code == 1
    assert any(p["field"] == "id" and "duplicate id 'sample-study'" in p["message"] for p in problems)


def test_every_design_has_one_evidence_level() -> None:
    assert set(EVIDENCE) == set(Design)
    for design in Design:
        level = evidence_level(design.value)
        assert level.ocebm in range(1, 6)
        assert level.grade in ("high", "moderate", "low", "very low")
        assert level.kind in ("single case report", "case series", "within-person comparison", "trial", "cohort study")
    ranks = [evidence_level(d).rank for d in (Design.case_report, Design.case_series, Design.split_face, Design.randomised_trial)]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    # A stronger design never has a weaker OCEBM level (a larger number) than a weaker design.
    by_rank = sorted(EVIDENCE.values(), key=lambda level: level.rank)
    assert [level.ocebm for level in by_rank] == sorted((level.ocebm for level in by_rank), reverse=True)


def test_cases_are_single_case_reports(sample) -> None:
    project = load_project(ProjectPaths(sample("with-study")))
    case = next(iter(project.cases.values()))
    assert case.evidence.kind == "single case report"
    assert project.studies["sample-study"].evidence.kind == "case series"


def test_committed_study_schema_is_current_and_checked() -> None:
    assert (REPO / STUDY_SCHEMA_PATH).read_text(encoding="utf-8") == schema_text(Study)


def test_schema_check_covers_the_study_schema(tmp_path: Path) -> None:
    assert run_cli("schema", str(tmp_path)).exit_code == 0
    (tmp_path / STUDY_SCHEMA_PATH).write_text("{}\n", encoding="utf-8")
    result = run_cli("schema", str(tmp_path), "--check")
    assert result.exit_code == 1
    assert "schema/study.schema.json:1:1: error: schema: out of date" in result.stderr


def test_study_files_match_the_json_schema(sample) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text(Study)))
    files = [*sorted((REPO / "studies").glob("*.yaml")), sample("with-study") / STUDY]
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], path.name
        data["outcomes"][0]["colour"] = "blue"
        assert not validator.is_valid(data), path.name


def test_study_page_shows_design_n_evidence_outcomes_and_provenance(sample, tmp_path: Path) -> None:
    root = sample("with-study")
    site = build_with_fixed_dates(root / "mkdocs.yml", tmp_path / "site")
    study = load_project(ProjectPaths(root)).studies["sample-study"]
    text = " ".join(article(site / "studies" / "sample-study" / "index.html").text_content().split())
    assert "Participants 20" in text
    assert f"Design {study.evidence.name}" in text
    assert study.evidence.ocebm_label in text and study.evidence.grade_label in text
    assert PROVENANCE_TEXT[Provenance.abstract] == "based on the abstract only"
    assert "based on the abstract only" in text
    for outcome in study.outcomes:
        assert outcome.as_printed in text
    assert "week 4" in text
    assert "95% CI -4.1 to -2.3" in text
    assert "mean 41.5 (SD 9.2) years" in text
    assert "Sex women and men Women 14 Men 6" in text
    assert "Sessions does not apply" in text
    assert "Time between sessions not reported in the source" in text
