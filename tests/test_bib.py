"""Bibliography loading with bibtexparser 2."""

from __future__ import annotations

from conftest import REPO
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


def test_real_bibliography() -> None:
    refs, problems = load_bibliography(REPO / "references.bib", "references.bib")
    assert problems == []
    assert len(refs) == 42
    assert refs["won2023biological"].is_preprint
    assert sum(r.is_preprint for r in refs.values()) == 1
    assert refs["won2023biological"].get("doi") == "10.1101/2023.10.17.562840"
    assert refs["regulation2009cosmetic"].get("urldate") == "2024-01-20"
    assert "year" not in refs["regulation2009cosmetic"].fields
    assert "doi" not in refs["majewska2025efficacy"].fields


def test_a_large_registry_bibliography_is_not_refused(tmp_path) -> None:
    entry = "@article{{k{n}, author = {{Doe, Jane}}, title = {{Title number {n} about exosomes}}, journal = {{J}}, year = {{2020}}}}\n"
    text = "".join(entry.format(n=n) for n in range(14_000))
    assert len(text.encode()) > 1024 * 1024
    path = tmp_path / "big.bib"
    path.write_text(text, encoding="utf-8")
    refs, problems = load_bibliography(path, "big.bib")
    assert problems == [] and len(refs) == 14_000
