"""The privacy screen: every rule catches its identifier, leaves look-alikes alone, and reports file, line, field and text."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROJECT, problems_of, run_cli
from site_builder.records.load import load_case
from site_builder.records.privacy import find_identifiers, rules_per_text, screen_case
from test_validate import CASE, edit

# (text, rule name, matched text): each rule with what it must catch.
IDENTIFYING = [
    ("seen on 12/03/2024 in clinic", "calendar date", "12/03/2024"),
    ("seen on 12.03.24.", "calendar date", "12.03.24"),
    ("seen on 3 March 2024", "calendar date", "3 March 2024"),
    ("seen on 3 March", "calendar date", "3 March"),
    ("seen on March 3, 2024", "calendar date", "March 3, 2024"),
    ("seen on 2024-03-12", "calendar date", "2024-03-12"),
    ("born 1961-04-02", "date of birth", "1961-04-02"),
    ("born in April 1961", "date of birth", "born in April 1961"),
    ("DOB: 02/04/1961", "date of birth", "02/04/1961"),
    ("a 95-year-old man", "age above 89", "95-year-old"),
    ("aged 93 at presentation", "age above 89", "aged 93"),
    ("91 years of age", "age above 89", "91 years of age"),
    ("a ninety-two-year-old woman", "age above 89", "ninety-two-year-old"),
    ("a woman in her nineties", "age above 89", "her nineties"),
    ("a woman in her 90s", "age above 89", "her 90s"),
    ("a man in his 90's", "age above 89", "his 90's"),
    ("write to jan.kowalski@example.org", "e-mail address", "jan.kowalski@example.org"),
    ("call +48 600 123 456", "phone number", "+48 600 123 456"),
    ("call (22) 123 45 67", "phone number", "(22) 123 45 67"),
    ("call 600-123-456", "phone number", "600-123-456"),
    ("photos at https://x.org", "web address", "https://x.org"),
    ("see [the photos](https://x.org/a?b=1).", "web address", "https://x.org/a?b=1"),
    ("see www.clinic.example.", "web address", "www.clinic.example"),
    ("MRN 12345678", "record number", "MRN 12345678"),
    ("record no. A12345", "record number", "record no. A12345"),
    ("file 1234567 reviewed", "record number", "1234567"),
    ("lives at 31-042 Kraków", "postcode", "31-042 Kraków"),
    ("lives at SW1A 1AA", "postcode", "SW1A 1AA"),
    ("referred by Mrs Kowalska", "name", "Mrs Kowalska"),
    ("treated by Dr. Smith", "name", "Dr. Smith"),
    ("treated by Dr. J. Smith", "name", "Dr. J. Smith"),
    ("seen in June 2023", "month and year", "June 2023"),
    ("seen in March of 2024", "month and year", "March of 2024"),
    ("seen in 06/2023", "month and year", "06/2023"),
    ("seen in 6.2023", "month and year", "6.2023"),
    ("seen in 2023-06", "month and year", "2023-06"),
    ("seen in Q2 2023", "month and year", "Q2 2023"),
    ("seen in the second quarter of 2023", "month and year", "second quarter of 2023"),
    ("seen in late summer 2023", "month and year", "late summer 2023"),
    ("seen on Monday 12th", "weekday with a date", "Monday 12th"),
    ("seen on Tuesday, 5 June 2023", "weekday with a date", "Tuesday, 5 June 2023"),
    ("seen on Fri. March 3", "weekday with a date", "Fri. March 3"),
    ("a woman aged ninety-one", "age above 89", "aged ninety-one"),
    ("ninety-five years of age", "age above 89", "ninety-five years of age"),
    ("one hundred and two years old", "age above 89", "one hundred and two years old"),
    ("patient J.K. (2023)", "initials with a date", "J.K."),
    ("A. B. C., first seen in 2021", "initials with a date", "A. B. C."),
]

# Clinical text that looks like an identifier but is not one.
HARMLESS = [
    "1-1.5 mm",
    "0.5-1 mm deep",
    "20 mg",
    "15 mL in total",
    "Fitzpatrick III",
    "Figure 1B-D",
    "Table 2, row 3",
    "twice daily for 2 weeks",
    "Day 12",
    "days 0, 12 and 20",
    "Section 2.3.1",
    "Section 12.3.10",
    "2025",
    "in 2024",
    "week 6/12",
    "Sunscreen every day",
    "on a Monday",
    "a 21-year-old seen twice",
    "J. Cosmet. Dermatol. 2025",
    "(Figure 2, Table 1)",
    "a 21-year-old woman",
    "aged 90+",
    "a 90+ year-old man",
    "1900 J at 2940 nm",
    "10-100 Hz",
    "1,000,000 cells",
    "[@majewska2025efficacy, p. 4]",
    "[@a; @b]",
    "ExoCoBio Inc., Seoul, South Korea",
    "MS and Dr",
]


@pytest.mark.parametrize(("text", "rule", "matched"), IDENTIFYING, ids=[t for t, _, _ in IDENTIFYING])
def test_identifier_is_found(text: str, rule: str, matched: str) -> None:
    assert [(r.name, m) for r, m in find_identifiers(text)] == [(rule, matched)]


@pytest.mark.parametrize(("text", "rule", "matched"), IDENTIFYING, ids=[t for t, _, _ in IDENTIFYING])
def test_the_quick_scan_of_a_file_offers_every_rule_that_finds_something(text: str, rule: str, matched: str) -> None:
    """validate scans all of a file's texts at once (rules_per_text, on bytes with digits written 0) for the rules
    worth running on each: a rule that finds an identifier in a text must be among those offered for it."""
    offered = rules_per_text(["Applied twice daily.", text, "Healed by day 6."])[1]
    assert [(r.name, m) for r, m in find_identifiers(text, rules=offered)] == [(rule, matched)], f"{rule} is not run on {text!r}"


@pytest.mark.parametrize("text", HARMLESS)
def test_look_alike_passes(text: str) -> None:
    assert find_identifiers(text) == []


def test_every_rule_has_a_positive_and_a_negative_example() -> None:
    from site_builder.records.privacy import RULES

    caught = {name for _, name, _ in IDENTIFYING}
    assert {rule.name for rule in RULES} <= caught
    assert len(HARMLESS) >= len(RULES)


def test_real_cases_pass_without_allow_list_entries() -> None:
    paths = sorted((PROJECT / "cases").glob("*.yaml"))
    assert paths
    for path in paths:
        loaded, problems = load_case(path, path.name)
        assert loaded is not None and problems == []
        assert loaded.case.privacy_allowlist == []
        assert screen_case(loaded, path.read_text(encoding="utf-8")) == [], path.name


def screen(root: Path):
    result = run_cli("validate", str(root))
    assert "Traceback" not in result.output
    return result.exit_code, [p for p in problems_of(result.stdout) if p["severity"] == "error"]


def test_error_names_file_line_column_field_and_text(sample) -> None:
    root = sample()
    edit(root, CASE, "presentation: Itchy eczema on both hands [@doe2020sample].",
         "presentation: >-\n  Itchy eczema on both hands,\n  first seen on 3 March 2024 [@doe2020sample].")
    code, errors = screen(root)
    assert code == 1
    assert len(errors) == 1
    error = errors[0]
    assert (error["path"], error["line"], error["column"], error["field"]) == (CASE, "17", "17", "presentation")
    assert "calendar date '3 March 2024'" in error["message"]
    assert "privacy_allowlist" in error["message"]


def test_second_occurrence_is_located_on_its_own_line(sample) -> None:
    root = sample()
    edit(root, CASE, "presentation: Itchy eczema on both hands [@doe2020sample].",
         "presentation: >-\n  Seen by Dr. Smith,\n  then again by Dr. Smith [@doe2020sample].")
    _, errors = screen(root)
    assert [(e["line"], e["column"]) for e in errors] == [("16", "11"), ("17", "17")]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("title: Hand eczema treated on one side", "title: Mrs Kowalska's hand eczema", "title"),
        ("  held_by: the authors of the sample publication", "  held_by: Dr. Smith", "consent.held_by"),
        ("    timepoint: week 2", "    timepoint: 12/03/2024", "outcomes[0].timepoint"),
        ("  age: 30", "  age_band: 85-95", "patient.age_band"),
        ("      event: Last contact.", "      event: Last contact by e-mail, jan@example.org.", "timeline.events[1].event"),
    ],
)
def test_every_clinical_field_is_screened(sample, old: str, new: str, field: str) -> None:
    root = sample()
    edit(root, CASE, old, new)
    code, errors = screen(root)
    assert code == 1
    assert [e["field"] for e in errors] == [field]


def test_urls_are_fine_in_source_locators_but_not_in_clinical_text(sample) -> None:
    root = sample()
    edit(root, CASE, "    patient: [Section 1]", "    patient: [Section 1, https://x.org/case]")
    assert screen(root) == (0, [])
    edit(root, CASE, "Itchy eczema on both hands", "Itchy eczema on both hands, photos at https://x.org")
    code, errors = screen(root)
    assert code == 1 and [e["field"] for e in errors] == ["presentation"]
    assert "web address 'https://x.org'" in errors[0]["message"]


def test_editorial_metadata_is_not_screened(sample) -> None:
    root = sample()
    edit(root, CASE, "consent:\n", 'review:\n  last_reviewed: "2026-11-26"\n  reviewed_by: Dr. Editor\nconsent:\n')
    assert screen(root) == (0, [])


def test_age_band_above_89_fails_and_90_plus_passes(sample) -> None:
    root = sample()
    edit(root, CASE, "  age: 30", '  age_band: "90+"')
    assert screen(root) == (0, [])
    edit(root, CASE, '  age_band: "90+"', "  age_band: 80-95")
    _, errors = screen(root)
    assert [e["field"] for e in errors] == ["patient.age_band"] and "'80-95'" in errors[0]["message"]


ALLOW = """privacy_allowlist:
  - field: {field}
    text: {text}
    reason: Part of the product's brand name, not a person.
"""


def test_allow_list_entry_accepts_exactly_its_field_and_text(sample) -> None:
    root = sample()
    edit(root, CASE, "    name: Sample product", "    name: Dr. Brandt serum")
    code, errors = screen(root)
    assert code == 1 and [e["field"] for e in errors] == ["intervention.product.name"]
    (root / CASE).write_text((root / CASE).read_text(encoding="utf-8") + ALLOW.format(field="intervention.product.name", text="Dr. Brandt"), encoding="utf-8")
    assert screen(root) == (0, [])
    edit(root, CASE, "Itchy eczema on both hands", "Itchy eczema on both hands, seen by Dr. Brandt")
    _, errors = screen(root)
    assert [e["field"] for e in errors] == ["presentation"], "the entry covers only its own field"


def test_allow_list_entry_that_matches_nothing_is_an_error(sample) -> None:
    root = sample()
    text = (root / CASE).read_text(encoding="utf-8")
    (root / CASE).write_text(text + ALLOW.format(field="presentation", text="Dr. Brandt"), encoding="utf-8")
    code, errors = screen(root)
    assert code == 1
    entry_line = text.count("\n") + 2  # the line after 'privacy_allowlist:'
    assert [(e["field"], e["line"]) for e in errors] == [("privacy_allowlist[0]", str(entry_line))]
    assert "matches nothing" in errors[0]["message"]


def test_allow_list_text_must_match_exactly(sample) -> None:
    root = sample()
    edit(root, CASE, "    name: Sample product", "    name: Dr. Brandt serum")
    (root / CASE).write_text((root / CASE).read_text(encoding="utf-8") + ALLOW.format(field="intervention.product.name", text="Brandt"), encoding="utf-8")
    _, errors = screen(root)
    assert sorted(e["field"] for e in errors) == ["intervention.product.name", "privacy_allowlist[0]"]


def test_a_publication_date_is_accepted_with_a_reviewed_allow_list_entry(sample) -> None:
    root = sample()
    edit(root, CASE, "diagnosis: Atopic dermatitis.", "diagnosis: Atopic dermatitis, in a report published in June 2023.")
    code, found = screen(root)
    assert code == 1 and [(p["field"], p["line"], p["column"]) for p in found] == [("diagnosis", "16", "56")]
    assert "possible month and year 'June 2023'" in found[0]["message"] and "a date of the publication rather than the patient" in found[0]["message"]
    entry = "privacy_allowlist:\n  - field: diagnosis\n    text: June 2023\n    reason: The month the source report was published, not a date of the patient's care.\n"
    (root / CASE).write_text((root / CASE).read_text(encoding="utf-8") + entry, encoding="utf-8")
    assert screen(root) == (0, [])
