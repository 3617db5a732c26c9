"""Errors a clinician understands: each bad input gives path:line:column: error: field: message, with a hint.

Each row is one kind of mistake made in a copy of the sample project (tests/roots/minimal): the file, the text
replaced, and what `site-builder validate` must say about it (line, column, field, the problem, and the hint).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import problems_of, run_cli

CASE = "cases/sample-case.yaml"
PAGE = "content/indications/eczema.md"


@dataclass(frozen=True)
class Bad:
    old: str
    new: str
    line: int
    column: int
    field: str
    says: str  # words of the problem
    hint: str  # words of the hint: what to do
    path: str = CASE


BAD = {
    # YAML syntax
    "tab indentation": Bad("  sex: female", "\tsex: female", 14, 1, "patient.sex", "does not allow tabs", "indent with spaces"),
    "tab in nested list": Bad("    - week: 6", "\t- week: 6", 33, 1, "timeline.events.week", "does not allow tabs", "indent with spaces"),
    "unquoted colon in value": Bad("title: Hand eczema treated on one side", "title: Hand eczema: treated on one side", 4, 19, "title", "colon followed by a space", 'put the text in quotes, such as: title: "Hand eczema: treated on one side"'),
    "unquoted colon in nested value": Bad("    frequency: twice daily", "    frequency: twice daily (note: at home)", 22, 33, "intervention.regimen.frequency", "colon followed by a space", "put the text in quotes"),
    "no space after colon": Bad("title: Hand eczema treated on one side\n", "title:Hand eczema treated on one side\n", 4, 1, "title", "no space after its colon", "write a space after the colon"),
    "line indented too far": Bad("  sex: female", "   sex: female", 14, 4, "patient.sex", "indented differently", "must start in the same column"),
    "line indented too little": Bad("  sex: female", " sex: female", 14, 2, "patient.sex", "does not line up", "must start in the same column"),
    "unclosed bracket": Bad("title: Hand eczema treated on one side", "title: [unclosed", 4, 8, "title", "'[' opened here is not closed", "close it with ']'"),
    "unclosed brace": Bad("title: Hand eczema treated on one side", "title: {unclosed", 4, 8, "title", "'{' opened here is not closed", "close it with '}'"),
    "unclosed double quote": Bad("title: Hand eczema treated on one side", 'title: "Hand eczema', 4, 8, "title", 'quote (") opened here is not closed', 'end the text with a matching "'),
    "unclosed single quote": Bad("title: Hand eczema treated on one side", "title: 'Hand eczema", 4, 8, "title", "quote (') opened here is not closed", "matching '"),
    "value starts with a citation": Bad("presentation: Itchy eczema on both hands [@doe2020sample].", "presentation: [@doe2020sample] saw itchy eczema.", 15, 16, "presentation", "starts with a citation", 'put the whole text in quotes, such as: presentation: "[@doe2020sample] saw itchy eczema."'),
    "value starts with @": Bad("  citation: doe2020sample", "  citation: @doe2020sample", 43, 13, "source.citation", "cannot start with '@'", "put the text in quotes"),
    "value starts with a backtick": Bad("title: Hand eczema treated on one side", "title: `Hand` eczema", 4, 8, "title", "cannot start with a backtick", "put the text in quotes"),
    "value starts with %": Bad("title: Hand eczema treated on one side", "title: %50 better", 4, 8, "title", "cannot start with '%'", "put the text in quotes"),
    "text after a closing quote": Bad("title: Hand eczema treated on one side", 'title: "Hand eczema" treated', 4, 22, "title", "text after the closing quote", "put the whole value in quotes"),
    "text after a closing bracket": Bad("title: Hand eczema treated on one side", "title: [Hand] eczema", 4, 15, "title", "text after a closing ']'", "put the whole text in quotes"),
    "list item without a dash": Bad("    - week: 6\n", "    - week: 6\n    week: 7\n", 34, 5, "timeline.events.week", "must start with '- '", "start this line with '- '"),
    "second document": Bad("consent:\n", "---\nconsent:\n", 55, 1, "", "one record", "remove the '---' line"),
    "duplicate key": Bad("  sex: female", "  sex: female\n  sex: male", 15, 3, "patient.sex", "duplicate key 'sex' (first given on line 14)", "keep one of them"),
    "yaml tag": Bad("diagnosis: Atopic dermatitis.", "diagnosis: !include secret.txt", 16, 12, "diagnosis", "tag '!include' is not allowed", "write the value itself"),
    "anchor and alias": Bad("title: Hand eczema treated on one side", "title: &t Hand eczema\nx: *t", 5, 4, "", "anchors and aliases are not allowed", "write the value out"),
    # Schema
    "unknown field with a close name": Bad("  sex: female", "  sexx: female", 14, 3, "patient.sexx", "unknown field 'sexx'", "did you mean 'sex'?"),
    "unknown top-level field": Bad("diagnosis: Atopic dermatitis.", "diagnosis: Atopic dermatitis.\ndiagnoses: Eczema.", 17, 1, "diagnoses", "unknown field 'diagnoses'", "did you mean 'diagnosis'?"),
    "unknown field without a close name": Bad("  sex: female", "  sex: female\n  weight: 60", 15, 3, "patient.weight", "unknown field 'weight'", "the fields allowed here are: age, age_band, sex, skin_type"),
    "missing required field": Bad("diagnosis: Atopic dermatitis.\n", "", 2, 1, "diagnosis", "required field 'diagnosis' is missing from the file", "add it, for example: diagnosis:"),
    "missing nested required field": Bad("  origin: first application\n", "", 28, 1, "timeline.origin", "required field 'origin' is missing from 'timeline'", "add it, for example: origin: first application of the product"),
    "missing field in a list item": Bad("      event: Last contact.\n", "", 33, 7, "timeline.events[1].event", "required field 'event' is missing from this list item", "add it, for example: event:"),
    "empty required field": Bad("diagnosis: Atopic dermatitis.", "diagnosis:", 16, 11, "diagnosis", "required field is empty", "for example: diagnosis:"),
    "text where a whole number goes": Bad("  age: 30", "  age: thirty", 13, 8, "patient.age", "expected a whole number, found 'thirty'", "for example: age: 21"),
    "text where a number goes": Bad("    duration_days: 14", "    duration_days: two weeks", 23, 20, "intervention.regimen.duration_days", "expected a number, found 'two weeks'", "for example: duration_days: 14"),
    "text where true or false goes": Bad("    key: true", "    key: maybe", 39, 10, "outcomes[0].key", "expected true or false, found 'maybe'", "for example: key: true"),
    "number where text goes": Bad("    frequency: twice daily", "    frequency: 2", 22, 16, "intervention.regimen.frequency", "expected text, found 2", 'put it in quotes to keep it as text, such as: frequency: "2"'),
    "yes read as true": Bad("    frequency: twice daily", "    frequency: yes", 22, 16, "intervention.regimen.frequency", "expected text, found true", "yaml reads yes, no, on and off as true or false"),
    "calendar date": Bad("    timepoint: week 2", "    timepoint: 2024-03-01", 37, 16, "outcomes[0].timepoint", "expected text, found 2024-03-01", "relative time such as 'day 12'"),
    "text where a list goes": Bad("  procedures: [topical-application]", "  procedures: topical-application", 7, 15, "tags.procedures", "expected a list", "on its own line under 'procedures:', starting with '- '"),
    "text where a mapping goes": Bad("patient:\n  age: 30\n  sex: female\n", "patient: female, 30\n", 12, 10, "patient", "expected a mapping of fields", "for example: patient: {age: 21, sex: female}"),
    "value not among the choices": Bad("  sex: female", "  sex: woman", 14, 8, "patient.sex", "'woman' is not one of the allowed values: female, male, not-reported", "write one of them exactly"),
    "value close to a choice": Bad("  status: none-reported", "  status: none", 41, 11, "adverse_events.status", "'none' is not one of the allowed values", "did you mean 'none-reported'?"),
    "age above 89": Bad("  age: 30", "  age: 95", 13, 8, "patient.age", "must be at most 89 (found 95)", 'write age_band: "90+"'),
    "negative duration": Bad("    duration_days: 14", "    duration_days: -3", 23, 20, "intervention.regimen.duration_days", "must be more than 0", "for example: duration_days: 14"),
    "id not a slug": Bad("id: sample-case", "id: Sample_Case", 3, 5, "id", "expected a lowercase slug", "for example: id: "),
    "review date in the wrong form": Bad("consent:\n", "review:\n  last_reviewed: 26/11/2026\n  reviewed_by: editors\nconsent:\n", 56, 18, "review.last_reviewed", "expected a date as YYYY-MM-DD", 'for example: last_reviewed: "2026-11-26"'),
    "text too long": Bad("  summary: Product on the left hand twice daily for 2 weeks", "  summary: " + "x" * 201, 18, 12, "intervention.summary", "is 201 characters long; the limit is 200", "shorten it"),
    "empty list": Bad("outcomes:\n  - description: Itch stopped on the treated hand [@doe2020sample; @roe2023preprint].\n    timepoint: week 2\n    assessed_by: patient\n    key: true\n", "outcomes: []\n", 35, 11, "outcomes", "needs at least 1 items", "for example: outcomes:"),
    "wrong schema version": Bad("schema_version: 1", "schema_version: 2", 2, 17, "schema_version", "'2' is not one of the allowed values: 1", "write one of them exactly"),
    "both day and week": Bad("    - week: 6", "    - week: 6\n      day: 42", 33, 7, "timeline.events[1]", "give exactly one of", "day or week"),
    # Records against the project
    "id differs from the file name": Bad("id: sample-case", "id: other-case", 3, 5, "id", "must equal the file name 'sample-case'", "rename the file to other-case.yaml or change the id"),
    "unknown indication": Bad("indication: eczema", "indication: ecsema", 5, 13, "indication", "unknown indication 'ecsema'", "did you mean 'eczema'?"),
    "unknown citation key in text": Bad("hands [@doe2020sample].", "hands [@doe2020sampel].", 15, 15, "presentation", "unknown citation key 'doe2020sampel' (not in references.bib)", "did you mean 'doe2020sample'?"),
    "unknown source key": Bad("  citation: doe2020sample", "  citation: doe2021sample", 43, 13, "source.citation", "unknown citation key 'doe2021sample'", "did you mean 'doe2020sample'?"),
    "unknown key with nothing near": Bad("hands [@doe2020sample].", "hands [@zzz].", 15, 15, "presentation", "unknown citation key 'zzz'", "add the source's bibtex entry to references.bib first"),
    "front matter unknown field": Bad("plain_name: Itchy, dry skin", "plain_nam: Itchy", 3, 1, "front matter.plain_nam", "unknown field 'plain_nam'", "did you mean 'plain_name'?", PAGE),
    "front matter unknown literature key": Bad("[roe2023preprint]", "[roe2023preprnt]", 6, 14, "front matter.literature[0]", "unknown citation key 'roe2023preprnt'", "did you mean 'roe2023preprint'?", PAGE),
    "front matter unquoted colon": Bad("description: A sample indication.", "description: Eczema: a sample.", 4, 20, "front matter.description", "colon followed by a space", "put the text in quotes", PAGE),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_gives_line_column_field_and_hint(sample, name: str) -> None:
    bad = BAD[name]
    root = sample()
    path = root / bad.path
    text = path.read_text(encoding="utf-8")
    assert bad.old in text, f"{bad.old!r} not in {bad.path}"
    path.write_text(text.replace(bad.old, bad.new, 1), encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1, result.stdout
    assert "Traceback" not in result.output
    errors = [p for p in problems_of(result.stdout) if p["severity"] == "error"]
    found = [p for p in errors if p["path"] == bad.path and bad.says.lower() in p["message"].lower()]
    assert found, f"no error saying {bad.says!r} in:\n{result.stdout}"
    problem = found[0]
    assert (int(problem["line"]), int(problem["column"]), problem["field"]) == (bad.line, bad.column, bad.field or "-"), result.stdout
    message = problem["message"].lower()
    assert bad.hint.lower() in message[message.index(bad.says.lower()) + len(bad.says) :], f"no hint {bad.hint!r} after the problem in {problem['message']!r}"


def test_there_are_at_least_thirty_kinds() -> None:
    assert len(BAD) >= 30
