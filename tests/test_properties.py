"""Property-based tests: random YAML and BibTeX given to the loaders end as a record or a clean problem, never a
traceback, hang or crash; the citation parser and the sanitiser hold their contracts on any text."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from conftest import PROBLEM_RE, ROOTS
from site_builder.citations.bib import load_bibliography, parse_bibliography
from site_builder.records.cite import CitationSyntaxError, find_citations
from site_builder.records.load import load_case
from site_builder.records.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, escape_text, render_inline, render_markdown, strip_controls
from site_builder.records.model import Problem
from site_builder.records.yamlsource import MAX_BYTES, Located, YamlError, decode, loads

# Random inputs, no example database in the work tree, and a bound on every example's time.
PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SAMPLE_CASE = (ROOTS / "minimal" / "cases" / "sample-case.yaml").read_text(encoding="utf-8")
SAMPLE_BIB = (ROOTS / "minimal" / "references.bib").read_text(encoding="utf-8")
YAML_TOKENS = ["a", "- ", ": ", "\n", "  ", "[", "]", "{", "}", ",", "&x ", "*x", "!!python/object:os.system", "!!binary ", "? ", "---\n", "...\n", "|\n", ">\n", "'", '"', "#", "%YAML 1.1\n", "<<: ", "~", "1e999", "0x", "2020-13-45", "\t", "\x00", "\ufeff", "\u202e"]
BIB_TOKENS = ["@article", "@misc", "@string", "@comment", "@preamble", "{", "}", "(", ")", ",", "=", '"', "#", "%", "\\", "\\'e", "{\\\"u}", "$x^2$", "author", "title", "and", "others", "key", "\n", " ", "@", "10.1234/x"]


def assert_clean(result: tuple[object, list[Problem]], text_lines: int | None = None) -> None:
    """A loader's answer: a record, or problems printed in the documented shape with sensible positions."""
    record, problems = result
    for problem in problems:
        assert PROBLEM_RE.match(str(problem)), str(problem)
        assert problem.line >= 1 and problem.column >= 1
        if text_lines is not None:
            assert problem.line <= text_lines + 1, str(problem)
    assert record is not None or problems


def load_yaml(raw: bytes) -> Located | None:
    """The YAML loader's contract: a Located document or a YamlError, nothing else."""
    try:
        return loads(decode(raw))
    except YamlError as exc:
        assert exc.line >= 1 and exc.column >= 1 and exc.message
        return None


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
documents = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=30)
yamlish = st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=5), max_size=60).map("".join)
bibish = st.lists(st.sampled_from(BIB_TOKENS) | st.text(max_size=5), max_size=80).map("".join)


@pytest.mark.timeout(120)
@PROPERTY
@given(st.binary(max_size=400))
def test_any_bytes_load_or_fail_cleanly(raw: bytes) -> None:
    load_yaml(raw)


@pytest.mark.timeout(120)
@PROPERTY
@given(yamlish)
def test_yaml_like_text_loads_or_fails_cleanly(text: str) -> None:
    load_yaml(text.encode("utf-8", "surrogatepass"))


@pytest.mark.timeout(120)
@PROPERTY
@given(documents)
def test_any_safe_yaml_document_loads_as_itself(data: object) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    located = load_yaml(text.encode("utf-8"))
    if located is not None:  # a few documents nest deeper than MAX_DEPTH
        assert located.data == yaml.safe_load(text)


@pytest.mark.timeout(180)
@PROPERTY
@given(documents | yamlish, st.integers(min_value=0, max_value=SAMPLE_CASE.count("\n")))
def test_a_case_file_with_random_lines_gives_a_case_or_problems(tmp_path_factory, junk: object, at: int) -> None:
    lines = SAMPLE_CASE.splitlines(keepends=True)
    inserted = junk if isinstance(junk, str) else yaml.safe_dump(junk, allow_unicode=True)
    text = "".join(lines[:at]) + inserted + "\n" + "".join(lines[at:])
    path = tmp_path_factory.mktemp("case") / "sample-case.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_clean(load_case(path, "cases/sample-case.yaml"), text.count("\n") + 1)


@pytest.mark.timeout(180)
@PROPERTY
@given(bibish)
def test_bibtex_like_text_gives_references_or_problems(text: str) -> None:
    references, problems = parse_bibliography(text, "references.bib")
    for problem in problems:
        assert PROBLEM_RE.match(str(problem)), str(problem)
    for reference in references.values():
        assert isinstance(reference.key, str) and isinstance(reference.fields, dict)


@pytest.mark.timeout(180)
@PROPERTY
@given(bibish, st.integers(min_value=0, max_value=len(SAMPLE_BIB)))
def test_a_bibliography_with_random_text_inside_gives_references_or_problems(junk: str, at: int) -> None:
    references, problems = parse_bibliography(SAMPLE_BIB[:at] + junk + SAMPLE_BIB[at:], "references.bib")
    assert all(PROBLEM_RE.match(str(p)) for p in problems)


@pytest.mark.timeout(120)
@PROPERTY
@given(st.binary(max_size=400))
def test_any_bytes_as_a_bibliography_give_references_or_problems(tmp_path_factory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("bib") / "references.bib"
    path.write_bytes(raw)
    references, problems = load_bibliography(path, "references.bib")
    assert all(PROBLEM_RE.match(str(p)) for p in problems)


@PROPERTY
@given(st.text(max_size=200) | st.lists(st.sampled_from(["[", "]", "@", "-@", ";", ",", " ", "see ", "p. 4", "key", "(", ")"]), max_size=40).map("".join))
def test_the_citation_parser_returns_spans_or_a_syntax_error(text: str) -> None:
    try:
        citations = find_citations(text)
    except CitationSyntaxError as exc:
        assert 0 <= exc.offset <= len(text)
        return
    for citation in citations:
        assert 0 <= citation.start < citation.end <= len(text) and citation.keys


def _sanitised(html: str) -> None:
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    for el in tree.iter():
        if el is tree or not isinstance(el.tag, str):
            continue
        assert el.tag in ALLOWED_TAGS, el.tag
        assert set(el.attrib) <= ALLOWED_ATTRIBUTES.get(el.tag, set()) | {"rel"}, el.attrib
        href = el.get("href")
        if href is not None and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
            assert href.split(":", 1)[0].lower() in URL_SCHEMES, href


markdownish = st.lists(st.sampled_from(["<", ">", "&", "[", "](", ")", "javascript:", "<script>", "<img src=x onerror=y>", "*", "_", "`", "\n", "\n\n", "- ", "1. ", "{: ", "}", '"', "'", "|", "\u202e"]) | st.text(max_size=4), max_size=40).map("".join)


@PROPERTY
@given(markdownish)
def test_rendered_markdown_holds_only_allowed_tags_attributes_and_schemes(text: str) -> None:
    _sanitised(str(render_markdown(text)))
    _sanitised(str(render_inline(text)))
    assert "\u202e" not in render_markdown(text) + render_inline(text)


@PROPERTY
@given(st.text(max_size=100))
def test_escaped_text_reads_back_as_the_text(text: str) -> None:
    escaped = str(escape_text(text))
    assert not re.search(r"[<>\[\]()*_`|\"']", escaped)
    shown = lxml_html.fragment_fromstring(f"<p>{escaped}</p>").text_content() if escaped.strip() else ""
    expected = re.sub(r"\r\n?|\n", " ", strip_controls(text))
    assert shown == expected or not escaped.strip()


def _timed(action) -> float:  # noqa: ANN001
    start = time.monotonic()
    action()
    return time.monotonic() - start


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"a: " + b"x" * (MAX_BYTES + 1), id="over-the-size-limit"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep-flow-nesting"),
        pytest.param("".join(f"{'  ' * i}k:\n" for i in range(2_000)).encode(), id="deep-block-nesting"),
        pytest.param(
            b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            + b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n".encode() for i in range(8)),
            id="billion-laughs",
        ),
        pytest.param(b"id: sample\ntitle: \xff\xfe bad bytes\n", id="invalid-utf-8"),
        pytest.param(b"id: sample\x00\n", id="nul-byte"),
        pytest.param(b"!!python/object/apply:os.system ['true']\n", id="python-tag"),
        pytest.param(b"a: 1\n---\nb: 2\n", id="two-documents"),
        pytest.param(b"? [a, b]\n: c\n", id="non-scalar-key"),
        pytest.param(b"a: 1\na: 2\n", id="duplicate-key"),
    ],
)
def test_hostile_yaml_is_a_clean_error_quickly(raw: bytes) -> None:
    errors = []

    def load() -> None:
        try:
            loads(decode(raw))
        except YamlError as exc:
            errors.append(exc)

    assert _timed(load) < 10
    assert errors, "expected a clean YamlError"


@pytest.mark.timeout(120)
def test_a_large_valid_case_file_loads_in_bounded_time(tmp_path: Path) -> None:
    filler = "".join(f"  - Section {i} of a long list of locators\n" for i in range(18_000))
    text = SAMPLE_CASE.replace("    patient: [Section 1]\n", "    patient:\n" + filler.replace("  - ", "      - "))
    assert MAX_BYTES // 2 < len(text.encode()) <= MAX_BYTES
    path = tmp_path / "sample-case.yaml"
    path.write_text(text, encoding="utf-8")
    assert _timed(lambda: assert_clean(load_case(path, "cases/sample-case.yaml"))) < 60


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("@article{deep, title = " + "{" * 50_000 + "x" + "}" * 50_000 + "}\n", id="deep-braces"),
        pytest.param("@article{open, title = {never closed\n" * 2_000, id="unbalanced"),
        pytest.param("".join(f"@misc{{k{i}, title = {{T{i}}}}}\n" for i in range(20_000)), id="many-entries"),
        pytest.param("@article{x, author = {" + " and ".join(["A, B"] * 5_000) + "}, title={t}, journal={j}, year={2020}}", id="many-authors"),
        pytest.param("@string{a = b # a}\n@misc{x, title = a}\n", id="recursive-string"),
        pytest.param("@misc{x, title = {\\" + "\\" * 10_000 + "}}", id="backslashes"),
    ],
)
def test_hostile_bibtex_is_a_result_or_a_clean_problem_quickly(text: str, tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    answer: list[tuple[object, list[Problem]]] = []
    assert _timed(lambda: answer.append(load_bibliography(path, "references.bib"))) < 60
    assert all(PROBLEM_RE.match(str(p)) for p in answer[0][1])
