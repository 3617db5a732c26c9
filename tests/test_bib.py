"""Bibliography loading with bibtexparser 2."""

from __future__ import annotations

import re

from conftest import PROBLEM_RE as PROBLEM_LINE, PROJECT
from site_builder.citations.bib import load_bibliography, parse_bibliography
from site_builder.records.model import Severity


def test_latex_is_decoded_and_names_are_split() -> None:
    refs, problems = parse_bibliography(
        "@article{k, author = {M{\\'a}rmol, I. and van der Berg, Jan and others}, title = {T}, journal = {J}, year = {2017}}", "x.bib"
    )
    assert problems == []
    authors = refs["k"].authors
    assert (authors[0].family, authors[0].given) == ("Mármol", "I.")
    assert (authors[1].von, authors[1].family, authors[1].given) == ("van der", "Berg", "Jan")
    assert authors[2].is_others


def test_preprint_is_recognised() -> None:
    refs, _ = parse_bibliography(
        "@article{a, author={A, B}, title={T}, journal={bioRxiv}, year={2023}}\n"
        "@article{b, author={A, B}, title={T}, journal={Cells}, year={2023}, doi={10.1101/2023.1}}\n"
        "@article{c, author={A, B}, title={T}, journal={Cells}, year={2023}}\n",
        "x.bib",
    )
    assert [refs[k].is_preprint for k in "abc"] == [True, True, False]


GOOD = "@article{ok,\n  author = {Doe, Jane},\n  title = {Fine},\n  journal = {J},\n  year = {2020},\n}\n"


def errors(text: str) -> list[tuple[int, int, str, str]]:
    """(line, column, field, message) of each error found in a bibliography made of GOOD and the text."""
    _, problems = parse_bibliography(GOOD + text, "refs.bib")
    return [(p.line, p.column, p.field, p.message) for p in problems if p.severity == Severity.error]


# Each BibTeX mistake is an error with the line and column where it is, whatever else the file holds.
def test_missing_comma_between_fields() -> None:
    for value in ("{17}", '"17"', "17"):
        found = errors(f"@article{{a,\n  author = {{Doe, J}},\n  title = {{T}},\n  journal = {{J}},\n  volume = {value}\n  number = {{7}},\n  year = {{2020}},\n}}\n")
        assert [(line, column, field) for line, column, field, _ in found] == [(12, 3, "a.volume")], value
        assert "comma missing before it" in found[0][3] and "'number'" in found[0][3]


def test_value_that_swallows_another_field() -> None:
    found = errors('@article{a,\n  author = {Doe, J},\n  title = {T},\n  journal = {J},\n  volume = "17 number = 7",\n  year = {2020},\n}\n')
    assert [(line, column, field) for line, column, field, _ in found] == [(11, 16, "a.volume")]


def test_unbalanced_brace_never_closed() -> None:
    found = errors("@article{a,\n  author = {Doe, J},\n  title = {T {x},\n  year = {2020},\n}\n" + GOOD.replace("ok", "ok2"))
    assert found[0][:2] == (9, 11) and "not closed before field 'year'" in found[0][3]
    assert len(found) == 1  # bibtexparser's own message about the same block is not repeated


def test_unbalanced_brace_closes_entry_early() -> None:
    found = errors("@article{a,\n  author = {Doe, J},\n  title = {T x}},\n  journal = {J},\n  year = {2020},\n}\n")
    assert (10, 3, "journal") in [(line, column, field) for line, column, field, _ in found]
    assert any(message.startswith("'}' without a matching '{'") for *_, message in found)


def test_duplicate_field() -> None:
    found = errors("@article{a,\n  author = {Doe, J},\n  title = {T},\n  journal = {J},\n  title = {U},\n  year = {2020},\n}\n")
    assert [(line, column, field) for line, column, field, _ in found] == [(11, 3, "a.title")]


def test_unknown_entry_type() -> None:
    found = errors("@artcle{a,\n  title = {T},\n}\n")
    assert [(line, field) for line, _, field, _ in found] == [(7, "a")]
    assert "unknown entry type '@artcle'" in found[0][3] and "@article" in found[0][3]


def test_malformed_doi_and_year() -> None:
    found = errors("@article{a,\n  author = {Doe, J},\n  title = {T},\n  journal = {J},\n  year = {20l9},\n  doi = {https://doi.org/10.1/x},\n}\n")
    assert sorted((line, column, field) for line, column, field, _ in found) == [(11, 3, "a.year"), (12, 3, "a.doi")]


def test_month_that_pandoc_ignores_is_a_warning() -> None:
    _, problems = parse_bibliography(GOOD.replace("year = {2020}", "year = {2020},\n  month = {Sept}"), "x.bib")
    assert [(p.severity, p.field, p.line) for p in problems] == [(Severity.warning, "ok.month", 6)]
    assert parse_bibliography(GOOD.replace("year = {2020}", "year = {2020},\n  month = sep"), "x.bib")[1] == []


def test_good_file_has_no_problems() -> None:
    assert errors("") == []


def test_lines_are_one_based() -> None:
    _, problems = parse_bibliography("\n\n@article{a, title={T}, year={2020}}", "x.bib")
    assert {(p.line, p.field) for p in problems} == {(3, "a.author"), (3, "a.journal")}


def test_real_bibliography_loads_every_entry_without_problems() -> None:
    refs, problems = load_bibliography(PROJECT / "references.bib", "references.bib")
    assert problems == []
    text = (PROJECT / "references.bib").read_text(encoding="utf-8")
    written = re.findall(r"^\s*@(?!comment|string|preamble)\w+\s*\{\s*([^,\s]+)\s*,", text, re.M | re.I)
    assert refs and sorted(refs) == sorted(written), "every entry as written, each once"
    for ref in refs.values():
        assert "{" not in ref.get("title") and "\\" not in ref.get("title"), f"{ref.key}: LaTeX left in the title"


def test_doi_urldate_and_a_missing_year_are_kept_as_written() -> None:
    refs, problems = parse_bibliography(
        "@misc{reg, title = {Regulation (EC) No 1223/2009}, url = {https://example.org/reg}, urldate = {2024-01-20}, howpublished = {Official Journal}}\n"
        "@article{pre, author = {Won, Y}, title = {Rose}, journal = {bioRxiv}, year = {2023}, doi = {10.1101/2023.10.17.562840}}\n"
        "@article{nodoi, author = {Doe, J}, title = {T}, journal = {J}, year = {2025}}\n",
        "x.bib",
    )
    assert [p for p in problems if p.severity is Severity.error] == []
    assert refs["pre"].is_preprint and refs["pre"].get("doi") == "10.1101/2023.10.17.562840"
    assert refs["reg"].get("urldate") == "2024-01-20" and "year" not in refs["reg"].fields
    assert "doi" not in refs["nodoi"].fields


def test_a_large_registry_bibliography_is_not_refused(tmp_path) -> None:
    entry = "@article{{k{n}, author = {{Doe, Jane}}, title = {{Title number {n} about exosomes}}, journal = {{J}}, year = {{2020}}}}\n"
    text = "".join(entry.format(n=n) for n in range(14_000))
    assert len(text.encode()) > 1024 * 1024
    path = tmp_path / "big.bib"
    path.write_text(text, encoding="utf-8")
    refs, problems = load_bibliography(path, "big.bib")
    assert problems == [] and len(refs) == 14_000


def test_equals_signs_in_a_multi_line_value_are_not_fields() -> None:
    abstract = "@article{a,\n  author = {Doe, J},\n  title = {T},\n  journal = {J},\n  year = {2020},\n  abstract = {Results:\n  p = 0.05 and\n  n = 12.},\n}\n"
    assert errors(abstract) == []


def test_a_key_with_a_line_break_is_one_located_error() -> None:
    """Text that runs into an entry's key (a lost comma or brace) is named, never printed across lines."""
    text = "@article{d\n@article}\n"
    references, problems = parse_bibliography(text, "references.bib")
    assert references == {}
    assert problems and all("\n" not in str(p) for p in problems)
    assert any(p.line == 1 and "malformed citation key" in p.message for p in problems), [str(p) for p in problems]
    _, colon = parse_bibliography("@article{:,\n  title = {T},\n}\n@article{a:b,\n  title = {T},\n}\n", "references.bib")
    assert all(PROBLEM_LINE.match(str(p)) for p in colon) and any("malformed" in p.message for p in colon), [str(p) for p in colon]


HOSTILE_BIB = {
    # a closing brace, then a long run of blanks: the check for a field after an entry split it n² ways (85 s at 20,000)
    "blanks after an entry": "@misc{k, title={t}}" + " " * 20_000 + "x\n",
    # one line of '@' inside an open value: each '@' copied the line before it (106 s at 800,000)
    "a line of @ in a value": "@article{k,\n  title = {" + "@" * 800_000 + "},\n}\n",
}


def test_hostile_bibliographies_are_checked_in_linear_time() -> None:
    """A pull request's references.bib must not stall validate or the build. Each file is checked in a child
    interpreter with a bound some hundred times what the check takes (about 0.1 s); the quadratic checks took 20 s
    to minutes. The bound guards against a hang; it measures nothing."""
    import subprocess
    import sys

    script = "import sys; from site_builder.citations.bib import parse_bibliography; print(len(parse_bibliography(sys.stdin.read(), 'references.bib')[1]))"
    for name, text in HOSTILE_BIB.items():
        done = subprocess.run([sys.executable, "-c", script], input=text, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout.strip().isdigit(), (name, done.stderr[-500:])
