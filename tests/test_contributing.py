"""The contributor's path: new-case and new-indication, the case template, the schema's examples, and CONTRIBUTING.md.

Run as a script (`python3 tests/test_contributing.py`) it rewrites content/contributing.md from CONTRIBUTING.md.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel, TypeAdapter

from conftest import PROJECT, REPO, loaded_project, problems_of, run_cli
from site_builder import cli
from site_builder.records.load import format_field
from site_builder.records.model import Case
from site_builder.records.schema import case_schema
from site_builder.engine.settings import read_mkdocs_yml
from sitecheck import article, mkdocs_build, parse, search_records

PAGE_FRONT = (
    "---\ntitle: Contributing a case\n"
    'description: "How to add a case from a published case report: the case file, citations, de-identification, consent, '
    'the preview and the pull request."\n---\n\n'
)
COPIED = ("cases", "content", "templates", "schema", "references.bib", "mkdocs.yml")
# What the project under test already has, derived from it: an existing case, indication and source key.
_EXISTING = loaded_project().cases[min(loaded_project().cases)]
OLD_CASE, OLD_INDICATION, OLD_KEY = _EXISTING.id, _EXISTING.indication, _EXISTING.source.citation
CASE_ID = "nowak2024-case1-vitiligo"
KEY = "nowak2024topical"
BIBTEX = f"""
@article{{{KEY},
  author = {{Nowak, Anna and Lee, Min}},
  title = {{Topical exosomes for stable vitiligo: a case report}},
  journal = {{Journal of Example Dermatology}},
  year = {{2024}},
  volume = {{3}},
  pages = {{1--4}},
  doi = {{10.1234/jed.2024.5}},
}}
"""
# What a contributor writes into the empty REQUIRED fields of a new case (dotted paths into the file).
FILLED: dict[str, object] = {
    "title": "Stable vitiligo of the hands treated with a topical exosome product",
    "summary.plain_language": "A man with white patches on his hands used the product every day. Some colour came back after three months.",
    "summary.clinician": f"Man in his thirties with stable acral vitiligo; partial repigmentation after 12 weeks of daily use [@{KEY}].",
    "patient.age": 34,
    "presentation": f"Depigmented patches on the backs of both hands, stable for two years [@{KEY}, Section 2].",
    "diagnosis": f"Stable non-segmental vitiligo [@{KEY}].",
    "intervention.summary": "Product on both hands once daily for 12 weeks",
    "intervention.product.name": "Example exosome serum",
    "intervention.regimen": {"frequency": "once daily", "duration_days": 84},
    "timeline.origin": "first application of the product",
    "timeline.events.0.day": 0,
    "timeline.events.0.event": "First application.",
    "outcomes.0.description": f"Partial repigmentation of the treated patches [@{KEY}, Figure 1].",
    "consent.source_says": f"The patient consented to publication of the case and its images [@{KEY}, Section 3].",
    "source.based_on": "full-text",
    **{f"source.locators.{group}": ["Section 2"] for group in ("patient", "presentation", "diagnosis", "intervention", "timeline", "outcomes", "adverse_events", "consent")},
}
# Empty fields that may stay empty: optional on their own, checked only together with a sibling.
EMPTY_BUT_OPTIONAL = {"patient.age", "timeline.events[0].day", "consent.source_says"}


def copy_repo(target: Path) -> Path:
    """The project files (not the code) of the project under test in a temporary folder."""
    for name in COPIED:
        source = PROJECT / name
        if not source.exists():
            continue
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


def new_case(root: Path, case_id: str = CASE_ID, indication: str = OLD_INDICATION, citation: str = OLD_KEY):
    return run_cli("new-case", "--project", str(root), "--id", case_id, "--indication", indication, "--citation", citation)


def null_fields(data: object, path: tuple[str | int, ...] = ()) -> set[str]:
    """The dotted paths of every empty value in loaded YAML."""
    if isinstance(data, dict):
        return set().union(*(null_fields(v, path + (k,)) for k, v in data.items()))
    if isinstance(data, list):
        return set().union(*(null_fields(v, path + (i,)) for i, v in enumerate(data)))
    return {format_field(path)} if data is None else set()


def fill(path: Path, values: dict[str, object]) -> None:
    """Write values into empty placeholders of a case file, as a contributor would; each must be an empty field."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for dotted, value in values.items():
        *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
        node = data
        for part in parents:
            node = node[part]
        assert node[last] is None, f"{dotted} is not an empty placeholder in the template"
        node[last] = value
    path.write_text(text.splitlines()[0] + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def uncomment_optional_fields(text: str) -> str:
    """Switch on every optional field of the template: each '#field:' line and the '#  ...' lines of its block."""
    lines, in_block = [], False
    for line in text.splitlines(keepends=True):
        in_block = bool(re.match(r"\s*#[\w-]", line) or (in_block and re.match(r"\s*#  ", line)))
        lines.append(line.replace("#", "", 1) if in_block else line)
    return "".join(lines)


def errors(root: Path) -> list[dict[str, str]]:
    result = run_cli("validate", str(root))
    assert "Traceback" not in result.output
    return [p for p in problems_of(result.stdout) if p["severity"] == "error"]


def test_contributor_walks_from_bibtex_entry_to_built_site(project: Path, tmp_path: Path) -> None:
    with (project / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIBTEX)
    made = run_cli("new-indication", "--project", str(project), "--id", "vitiligo", "--title", "Vitiligo",
                   "--plain-name", "White patches on the skin", "--description", "Vitiligo, with what the literature says about it.")
    assert made.exit_code == 0, made.output
    made = new_case(project, indication="vitiligo", citation=KEY)
    assert made.exit_code == 0, made.output
    assert f"wrote cases/{CASE_ID}.yaml" in made.stderr
    case_file = project / "cases" / f"{CASE_ID}.yaml"
    fill(case_file, FILLED)
    assert errors(project) == []
    assert run_cli("publish", CASE_ID, "--project", str(project)).exit_code == 0

    site = tmp_path / "site"
    build = mkdocs_build(project / "mkdocs.yml", site)
    assert build.returncode == 0, build.stderr
    link = f"../../cases/{CASE_ID}/"
    assert article(site / "indications" / "vitiligo" / "index.html").xpath(f".//a[@href='{link}']"), "listed on its indication page"
    rows = article(site / "cases" / "index.html").xpath(".//table//tbody/tr")
    assert any(FILLED["title"] in row.text_content() and row.xpath(f".//a[@href='{CASE_ID}/']") for row in rows), "in the case table"
    assert "repigmentation" in search_records(site)[f"cases/{CASE_ID}/"]["content"], "in the search index"
    entry = article(site / "references" / "index.html").xpath(f".//*[@id='ref-{KEY}']")[0]
    assert f"../cases/{CASE_ID}/" in entry.xpath(".//a/@href"), "back-linked from its source in the bibliography"
    nav = parse(site / "index.html").xpath("//nav[contains(@class,'md-nav--primary')]//a/@href")
    assert any("indications/vitiligo/" in href for href in nav)


# The content checks: every test module that reads the project under test (PROJECT) rather than a sample root.
CONTENT_CHECKS = ("test_site.py", "test_citable.py", "test_bib.py", "test_schema.py", "test_privacy.py", "test_render.py", "test_validate.py", "test_contributing.py")
ABOUT = "White patches appear on the skin when pigment cells stop working. It is not catching and it does not hurt."
LITERATURE = f"One case report describes repigmentation after daily use of an exosome product [@{KEY}]."


def add_new_publication(project: Path, key: str = "okafor2025acral", indication: str = "acral-vitiligo", case_id: str = "okafor2025-case1-acral-vitiligo") -> None:
    """What a contributor does for a case from a paper the site did not have: BibTeX entry, indication, case.

    Its names differ from the ones the other tests here add, so those tests also run on the copy it makes.
    """
    with (project / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIBTEX.replace(KEY, key).replace("Nowak, Anna", "Okafor, Ada").replace("2024", "2025"))
    made = run_cli("new-indication", "--project", str(project), "--id", indication, "--title", "Acral vitiligo",
                   "--plain-name", "White patches on the hands and feet", "--description", "Acral vitiligo, with what the literature says about it.",
                   "--literature", key)
    assert made.exit_code == 0, made.output
    page = project / "content" / "indications" / f"{indication}.md"
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"(## About this condition\n\n)<!--.*?-->", lambda m: m.group(1) + ABOUT, text, flags=re.S)
    text = re.sub(r"(## What the wider literature says\n\n)<!--.*?-->", lambda m: m.group(1) + LITERATURE.replace(KEY, key), text, flags=re.S)
    page.write_text(text, encoding="utf-8")
    made = new_case(project, case_id=case_id, indication=indication, citation=key)
    assert made.exit_code == 0, made.output
    fill(project / "cases" / f"{case_id}.yaml", {k: v.replace(KEY, key) if isinstance(v, str) else v for k, v in FILLED.items()})
    published = run_cli("publish", case_id, "--project", str(project))
    assert published.exit_code == 0, published.output


@pytest.mark.skipif(PROJECT != REPO, reason="already running on a copy with a new publication")
def test_a_new_publication_leaves_the_content_checks_green(project: Path) -> None:
    before = run_cli("validate", str(project)).stderr
    add_new_publication(project)
    after = run_cli("validate", str(project))
    assert after.exit_code == 0 and errors(project) == [], after.output
    counts = [[int(n) for n in re.findall(r"(\d+) (?:cases|indications|references)", out)] for out in (before, after.stderr)]
    assert [b + 1 for b in counts[0]] == counts[1], "one more case, indication and reference were loaded"
    # The whole set of content checks, run on the copy; each reads its expectations from the content it is given.
    tests = Path(__file__).parent
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *(str(tests / name) for name in CONTENT_CHECKS)],
        cwd=REPO, env={**os.environ, "SB_PROJECT": str(project)}, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout


def test_new_case_starts_with_the_schema_line_and_fails_only_on_empty_required_fields(project: Path) -> None:
    assert new_case(project).exit_code == 0
    path = project / "cases" / f"{CASE_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/case.schema.json"
    assert (path.parent / first.split("=", 1)[1]).resolve() == (project / "schema" / "case.schema.json").resolve()
    assert "__" not in text, "every placeholder was filled"
    assert CASE_ID not in (project / "cases" / "published-ids.txt").read_text(encoding="utf-8"), "a draft is not registered"
    assert yaml.safe_load(text)["draft"] is True
    data = yaml.safe_load(text)
    assert (data["id"], data["indication"], data["source"]["citation"]) == (CASE_ID, OLD_INDICATION, OLD_KEY)
    reported = {e["field"] for e in errors(project) if e["path"] == f"cases/{CASE_ID}.yaml"}
    empty = null_fields(data)
    assert reported == empty - EMPTY_BUT_OPTIONAL, "each empty REQUIRED field is reported, and nothing else"
    assert all("required field is empty" in e["message"] for e in errors(project))


def test_filled_template_validates_and_so_does_every_optional_field_switched_on(project: Path) -> None:
    assert new_case(project).exit_code == 0
    path = project / "cases" / f"{CASE_ID}.yaml"
    original = path.read_text(encoding="utf-8")
    fill(path, {k: v.replace(KEY, OLD_KEY) if isinstance(v, str) else v for k, v in FILLED.items()})
    assert errors(project) == []

    path.write_text(uncomment_optional_fields(original), encoding="utf-8")
    fill(path, {k: v.replace(KEY, OLD_KEY) if isinstance(v, str) else v for k, v in FILLED.items() if k != "intervention.regimen"})
    image = project / "cases" / CASE_ID / "figure-1a.jpg"
    image.parent.mkdir()
    from test_images import image_bytes

    image.write_bytes(image_bytes("JPEG"))
    found = errors(project)
    assert [e["field"] for e in found] == ["privacy_allowlist[0]"], "only the example allow-list entry, which matches nothing"
    assert "matches nothing" in found[0]["message"]


def _models(model: type[BaseModel], seen: dict[str, type[BaseModel]]) -> dict[str, type[BaseModel]]:
    seen[model.__name__] = model

    def inner(annotation: object) -> list[object]:  # every type inside unions, lists and Annotated (a Fact)
        return [annotation, *(t for arg in typing.get_args(annotation) for t in inner(arg))]

    for field in model.model_fields.values():
        for arg in inner(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg.__name__ not in seen:
                _models(arg, seen)
    return seen


def test_template_shows_every_field_and_marks_required_ones() -> None:
    template = (REPO / "templates" / "new-case.yaml").read_text(encoding="utf-8")
    for model in _models(Case, {}).values():
        for name in model.model_fields:
            assert re.search(rf"^\s*#?\s*(?:- )?#?{name}:", template, re.M), f"{model.__name__}.{name} is not in the template"
    lines = template.splitlines()
    for i, line in enumerate(lines):
        marker = re.match(r"\s*# (REQUIRED|OPTIONAL)\b", line)
        if not marker:
            continue
        following = next(text for text in lines[i + 1 :] if not re.match(r"\s*# ", text))
        if marker.group(1) == "REQUIRED":
            assert re.match(r"\s*(- )?\w+:", following), f"line {i + 1}: REQUIRED but '{following.strip()}' is switched off"
        else:
            assert re.match(r"\s*#\w+:", following), f"line {i + 1}: OPTIONAL but '{following.strip()}' is switched on"


def test_every_schema_field_has_an_example_that_is_valid() -> None:
    schema = case_schema()
    definitions = [("Case", schema), *((name, d) for name, d in schema["$defs"].items() if d.get("type") == "object")]
    models = _models(Case, {})
    for name, definition in definitions:
        for field, prop in definition.get("properties", {}).items():
            assert prop.get("examples"), f"{name}.{field} has no example"
            check = jsonschema.Draft202012Validator({**{k: v for k, v in prop.items() if k != "examples"}, "$defs": schema["$defs"]})
            info = models[name].model_fields[field]
            adapter = TypeAdapter(typing.Annotated[info.annotation, *info.metadata]) if info.metadata else TypeAdapter(info.annotation)
            for example in prop["examples"]:
                assert check.is_valid(example), f"{name}.{field}: example {example!r} does not match the schema"
                adapter.validate_python(example)


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (("--id", "Bad_Id"), "--id", "is not a valid case id"),
        (("--id", "a--b"), "--id", "is not a valid case id"),
        (("--id", OLD_CASE), "--id", f"already exists (cases/{OLD_CASE}.yaml)"),
        (("--indication", OLD_INDICATION[:-1]), "--indication", f"unknown indication '{OLD_INDICATION[:-1]}'"),
        (("--citation", OLD_KEY[:-1]), "--citation", f"Did you mean '{OLD_KEY}'"),
    ],
)
def test_new_case_refuses_bad_values(project: Path, args: tuple[str, str], option: str, words: str) -> None:
    values = {"--id": CASE_ID, "--indication": OLD_INDICATION, "--citation": OLD_KEY} | dict([args])
    result = run_cli("new-case", "--project", str(project), *[x for pair in values.items() for x in pair])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr and words in result.stderr
    assert "Traceback" not in result.output
    assert not (project / "cases" / f"{values['--id']}.yaml").exists() or option == "--id"
    assert sorted(p.name for p in (project / "cases").iterdir()) == sorted(p.name for p in (PROJECT / "cases").iterdir())


def test_new_case_asks_for_missing_values_only_at_a_terminal(project: Path, monkeypatch) -> None:
    result = run_cli("new-case", "--project", str(project), "--id", CASE_ID)
    assert result.exit_code == 2 and "Missing option '--indication'" in result.stderr
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    answers = f"Bad Id\n{CASE_ID}\n{OLD_INDICATION[:-1]}\n{OLD_INDICATION}\n{OLD_KEY}\n"
    result = CliRunner().invoke(cli.main, ["new-case", "--project", str(project)], input=answers)
    assert result.exit_code == 0, result.output
    assert "is not a valid case id" in result.output and f"unknown indication '{OLD_INDICATION[:-1]}'" in result.output
    assert yaml.safe_load((project / "cases" / f"{CASE_ID}.yaml").read_text(encoding="utf-8"))["indication"] == OLD_INDICATION


def test_new_indication_declares_an_indication_that_validates(project: Path) -> None:
    result = run_cli("new-indication", "--project", str(project), "--id", "vitiligo", "--title", "Vitiligo",
                     "--plain-name", "White patches", "--description", "Vitiligo and the literature.", "--literature", OLD_KEY)
    assert result.exit_code == 0, result.output
    page = (project / "content" / "indications" / "vitiligo.md").read_text(encoding="utf-8")
    front = yaml.safe_load(page.split("---\n")[1])
    last = max(i.order for i in loaded_project().indications.values())
    assert front == {"title": "Vitiligo", "plain_name": "White patches", "description": "Vitiligo and the literature.", "order": last + 1, "literature": [OLD_KEY]}
    assert "## About this condition" in page and "## What the wider literature says" in page
    assert errors(project) == []
    assert new_case(project, indication="vitiligo").exit_code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--id", OLD_INDICATION), f"indication '{OLD_INDICATION}' already exists"),
        (("--id", "index"), "indication 'index' already exists"),
        (("--id", "Vitiligo"), "is not a valid indication id"),
        (("--literature", "ghost2001"), "unknown citation key 'ghost2001'"),
        (("--title", "  "), "must not be empty"),
    ],
)
def test_new_indication_refuses_bad_values(project: Path, args: tuple[str, str], words: str) -> None:
    values = {"--id": "vitiligo", "--title": "Vitiligo", "--plain-name": "White patches", "--description": "Vitiligo."} | dict([args])
    result = run_cli("new-indication", "--project", str(project), *[x for pair in values.items() for x in pair])
    assert result.exit_code == 2 and words in result.stderr
    assert not (project / "content" / "indications" / "vitiligo.md").exists()


# Commands in CONTRIBUTING.md that a test cannot run on this machine, and why; every other command is run.
NOT_RUN = {
    "git clone https://github.com/YOUR-GITHUB-NAME/site_builder.git": "needs the network and a fork",
    "cd site_builder": "the test works in a copy of the project instead of a clone",
    "python3 -m pip install -e '.[test]'": "the suite runs in the installed project",
    "python3 -m pip install pre-commit && pre-commit install": "installs a package from the network",
    "git push -u origin HEAD": "needs the network and a fork",
    "python3 -m pytest": "the suite this test is part of",
    "exiftool -all= figure-1a.jpg": "an outside tool; the site re-encodes images without metadata (tests/test_images.py)",
}
COMMAND_RE = re.compile(r"(site-builder|mkdocs|git|python3|pre-commit|exiftool|cd) ")


def guide_commands(guide: str) -> list[str]:
    """Every command in the guide, in order: the lines of its sh blocks and the inline code that is a command."""
    found = []
    for block, inline in re.findall(r"```sh\n(.*?)```|`([^`\n]+)`", guide, re.S):
        lines = [line.strip() for line in block.splitlines()] if block else [inline]
        found += [line for line in lines if COMMAND_RE.match(line) and not line.startswith("#")]
    return found


def _serve(project: Path, command: list[str]) -> None:
    """Run `mkdocs serve` on a free port until the draft case's page is served, then stop it."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", *command, "-a", f"127.0.0.1:{port}"], cwd=project,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/cases/smith2024-case2-melasma/", timeout=5) as page:
                    assert page.status == 200
                    return
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(1)
        raise AssertionError("mkdocs serve did not serve the draft case")
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_every_command_in_the_guide_runs(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    commands = guide_commands(guide)
    assert set(NOT_RUN) <= set(commands), "NOT_RUN lists only commands the guide has"
    bibtex = re.search(r"```bibtex\n(.*?)```", guide, re.S).group(1)
    with (project / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + bibtex)
    git = ["git", "-c", "user.name=Contributor", "-c", "user.email=contributor@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "the project as cloned"], cwd=project, check=True)
    ran = []
    for command in commands:
        if command in NOT_RUN:
            continue
        words = shlex.split(command)
        if words[0] == "site-builder":
            result = run_cli(*words[1:])
            assert "Traceback" not in result.output, command
            assert result.exit_code == 0, f"{command}:\n{result.output}"
            if words[1] == "new-case" and "--help" not in words:
                # Step 4, which no command does: the contributor fills in the REQUIRED fields.
                fill(project / "cases" / "smith2024-case2-melasma.yaml", {k: v.replace(KEY, "smith2024topical") if isinstance(v, str) else v for k, v in FILLED.items()})
        elif words[:2] == ["mkdocs", "serve"]:
            _serve(project, words)
        elif words[0] == "mkdocs":
            build = subprocess.run([sys.executable, "-m", *words, "-d", str(project.parent / "site")], cwd=project, capture_output=True, text=True)
            assert build.returncode == 0, f"{command}:\n{build.stderr}"
        else:
            assert words[0] == "git", command
            result = subprocess.run(words if words[1] != "commit" else [*git, *words[1:]], cwd=project, capture_output=True, text=True)
            assert result.returncode == 0, f"{command}:\n{result.stderr}"
        ran.append(command)
    assert len(ran) + sum(c in NOT_RUN for c in commands) == len(commands)
    assert {"site-builder publish smith2024-case2-melasma", "mkdocs serve", "mkdocs build --strict"} <= set(ran)
    log = subprocess.run(["git", "log", "--oneline"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "Add case 2 of Smith 2024 (melasma)" in log
    assert "smith2024-case2-melasma" in (project / "cases" / "published-ids.txt").read_text(encoding="utf-8")
    assert "withdrawn:" in (project / "cases" / "smith2024-case2-melasma.yaml").read_text(encoding="utf-8")


def rendered_contributing() -> str:
    """What content/contributing.md must hold: CONTRIBUTING.md under the page's front matter."""
    return PAGE_FRONT + (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_site_page_is_contributing_md() -> None:
    page = (REPO / "content" / "contributing.md").read_text(encoding="utf-8")
    assert page == rendered_contributing(), "content/contributing.md is stale: run 'python3 tests/test_contributing.py'"
    nav = json.dumps(read_mkdocs_yml(REPO / "mkdocs.yml")["nav"])
    assert '{"Contributing": "contributing.md"}' in nav


def test_contributing_guide_covers_the_whole_path() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for words in ("Fork", "references.bib", "@article{", "site-builder new-case", "site-builder new-indication", "CARE",
                  "&#91;@smith2024topical]", "site-builder validate", "mkdocs serve", "privacy_allowlist",
                  "consent form never enters the repository", "covers_internet_publication", "identifiable: true",
                  "--format github", "mkdocs build --strict", "pull request", "Report an error in a case"):
        assert words in guide, words
    assert "(../" not in guide and "](./" not in guide, "no relative links: the same text is a site page"


def test_pull_request_template_has_the_care_checklist_and_attestations() -> None:
    template = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", template, re.M)
    for item in ("Title", "Summaries", "Patient", "Clinical findings", "Timeline", "Diagnosis", "Intervention", "Outcomes", "Adverse events", "Learning points", "Citations"):
        assert any(box.startswith(f"**{item}**") for box in boxes), item
    assert any(box.startswith("I attest that the case contains no names") for box in boxes)
    assert any(box.startswith("I attest that the patient's consent covers publication") for box in boxes)


def test_issue_form_reports_an_error_in_a_case() -> None:
    form = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / "case-error.yml").read_text(encoding="utf-8"))
    assert form["name"] == "Report an error in a case" and form["description"]
    ids = {item.get("id"): item for item in form["body"]}
    assert ids["case"]["validations"]["required"] and ids["description"]["validations"]["required"]
    assert all(item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"} for item in form["body"])
    config = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / "config.yml").read_text(encoding="utf-8"))
    assert config == {"blank_issues_enabled": True}


if __name__ == "__main__":
    (REPO / "content" / "contributing.md").write_text(rendered_contributing(), encoding="utf-8")
