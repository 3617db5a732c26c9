"""Bibliography loading with bibtexparser 2."""

from __future__ import annotations

import re

from conftest import PROJECT
from site_builder.bib import load_bibliography, parse_bibliography
from site_builder.model import Severity


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


def test_unknown_entry_type_is_a_warning() -> None:
    _, problems = parse_bibliography("@thing{a, title={T}}", "x.bib")
    assert [(p.severity, p.field) for p in problems] == [(Severity.warning, "a")]


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
