"""Builds are atomic (a failed build leaves site/ as it was), reproducible (byte-identical with SOURCE_DATE_EPOCH)
and stay inside the project (nothing a case file says reads or writes elsewhere)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

from conftest import REPO, build_with_fixed_dates
from sitecheck import mkdocs_build


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder (symlinks as their target text) by relative path."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def leftovers(project: Path) -> list[str]:
    """Staging folders a build left beside site/."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


def _edit_case(project: Path, change) -> None:  # noqa: ANN001 - a function editing the case mapping
    path = project / "cases" / "sample-case.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _break_config(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - site-builder", "  - site-builder:\n      style: no-such-style"), encoding="utf-8")


def _break_case(project: Path) -> None:
    (project / "cases" / "sample-case.yaml").write_text("id: [unclosed\n", encoding="utf-8")


def _break_template(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "case.html.j2").write_text("<h1>{{ no_such_variable }}</h1>\n", encoding="utf-8")


def _break_link(project: Path) -> None:
    # A warning, not an error: strict mode aborts only after every page (and post_build) has run.
    with (project / "content" / "index.md").open("a", encoding="utf-8") as out:
        out.write("\n[a page that does not exist](missing.md)\n")


def _break_post_build(project: Path) -> None:
    (project / "hooks.py").write_text("def on_post_build(config):\n    raise RuntimeError('late failure')\n", encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as out:
        out.write("hooks:\n  - hooks.py\n")


def _break_search_index(project: Path) -> None:
    # A file where the search index goes: the indexing step (after every page is written) fails.
    (project / "content" / "pagefind").write_text("not a search index\n", encoding="utf-8")


@pytest.fixture
def built_once(sample) -> Path:  # noqa: ANN001
    """The minimal sample with a finished build in its site/."""
    project = sample()
    result = mkdocs_build(project / "mkdocs.yml", project / "site")
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize(
    "stage", [_break_config, _break_case, _break_template, _break_link, _break_post_build, _break_search_index], ids=lambda f: f.__name__[7:]
)
def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(built_once: Path, stage) -> None:  # noqa: ANN001
    before = tree(built_once / "site")
    _edit_case(built_once, lambda data: data.update(title="A title the failed build must not publish"))
    stage(built_once)
    result = mkdocs_build(built_once / "mkdocs.yml", built_once / "site")
    assert result.returncode != 0
    assert tree(built_once / "site") == before
    assert leftovers(built_once) == []


def test_a_successful_build_replaces_the_site_whole(built_once: Path) -> None:
    stale = built_once / "site" / "stale.html"
    stale.write_text("from an earlier build", encoding="utf-8")
    _edit_case(built_once, lambda data: data.update(title="A new title"))
    result = mkdocs_build(built_once / "mkdocs.yml", built_once / "site")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert "A new title" in (built_once / "site" / "cases" / "sample-case" / "index.html").read_text(encoding="utf-8")
    assert leftovers(built_once) == []
    assert (built_once / "site").stat().st_mode & 0o755 == 0o755, "readable by a web server, not mkdtemp's 0700"


def test_a_dirty_build_keeps_the_pages_it_does_not_rebuild(built_once: Path) -> None:
    """`mkdocs build --dirty` rebuilds only changed pages, so the staging folder starts as a copy of site/."""
    before = set(tree(built_once / "site"))
    command = [sys.executable, "-m", "mkdocs", "build", "--dirty", "-q", "-f", str(built_once / "mkdocs.yml")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr  # not --strict: MkDocs warns about every dirty build
    assert before <= set(tree(built_once / "site"))
    assert leftovers(built_once) == []


def test_two_builds_of_the_same_commit_are_byte_identical(repo_site: Path, tmp_path: Path) -> None:
    """Built from a copy in another folder, into another folder, with the same SOURCE_DATE_EPOCH as repo_site."""
    skip = shutil.ignore_patterns(".*", "site", "artifacts", "tests", "benchmarks", "*.egg-info", "__pycache__")
    copy = tmp_path / "elsewhere"
    shutil.copytree(REPO, copy, ignore=skip)
    gitdir = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--absolute-git-dir"], capture_output=True, text=True)
    if gitdir.returncode == 0:  # the same commit has the same history, from which pages take their dates
        (copy / ".git").write_text(f"gitdir: {gitdir.stdout.strip()}\n", encoding="utf-8")
    again = build_with_fixed_dates(copy / "mkdocs.yml", tmp_path / "second-site")
    first, second = tree(repo_site), tree(again)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def _figure(image: str) -> dict[str, object]:
    consent = {"held_by": "the sample clinic", "covers_internet_publication": True}
    return {"label": "Figure 1", "caption": "The treated hand.", "image": image, "consent": consent}


@pytest.fixture
def guarded(sample, tmp_path: Path):  # noqa: ANN001
    """The sample project next to a folder it must never read from; returns (project, outside)."""
    project = sample()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(_png())
    (outside / "secret.txt").write_text("SECRET-OUTSIDE-THE-PROJECT", encoding="utf-8")
    return project, outside


def _build_and_check_nothing_leaked(project: Path, outside: Path) -> tuple[int, str]:
    parent_before = sorted(p.name for p in project.parent.iterdir())
    outside_before = tree(outside)
    result = mkdocs_build(project / "mkdocs.yml", project / "site")
    assert sorted(p.name for p in project.parent.iterdir()) == parent_before, "the build wrote beside the project"
    assert tree(outside) == outside_before
    site = tree(project / "site") if (project / "site").is_dir() else {}
    assert not [name for name, data in site.items() if b"SECRET-OUTSIDE-THE-PROJECT" in data]
    assert not [name for name in site if name.endswith((".png", ".jpg", ".jpeg", ".webp")) and "sample-case" in name]
    return result.returncode, result.stderr


@pytest.mark.parametrize("image", ["../../outside/secret.png", "../../../outside/secret.png", "/ABSOLUTE/secret.png", "file:///etc/hostname"])
def test_an_image_path_cannot_leave_the_case_folder(guarded, image: str) -> None:  # noqa: ANN001
    project, outside = guarded
    image = image.replace("/ABSOLUTE", str(outside))
    _edit_case(project, lambda data: data.update(figures=[_figure(image)]))
    code, stderr = _build_and_check_nothing_leaked(project, outside)
    assert code != 0 and "figures[0].image" in stderr


def test_a_symlinked_image_cannot_point_out_of_the_project(guarded) -> None:  # noqa: ANN001
    project, outside = guarded
    folder = project / "cases" / "sample-case"
    folder.mkdir()
    (folder / "figure-1.png").symlink_to(outside / "secret.png")
    _edit_case(project, lambda data: data.update(figures=[_figure("figure-1.png")]))
    code, stderr = _build_and_check_nothing_leaked(project, outside)
    assert code != 0 and "figures[0].image" in stderr


@pytest.mark.parametrize("case_id", ["../../escaped", "/tmp/escaped", "cases/../../escaped", "..", "Sample-Case"])
def test_a_case_id_cannot_name_a_path(guarded, case_id: str) -> None:  # noqa: ANN001
    project, outside = guarded
    _edit_case(project, lambda data: data.update(id=case_id))
    code, stderr = _build_and_check_nothing_leaked(project, outside)
    assert code != 0 and "id" in stderr


def test_yaml_includes_are_not_followed(guarded) -> None:  # noqa: ANN001
    project, outside = guarded
    path = project / "cases" / "sample-case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("diagnosis: Atopic dermatitis.", f"diagnosis: !include {outside}/secret.txt"))
    code, stderr = _build_and_check_nothing_leaked(project, outside)
    assert code != 0 and "sample-case.yaml" in stderr


def test_markdown_snippet_includes_in_case_text_are_not_followed(guarded) -> None:  # noqa: ANN001
    """Even with pymdownx.snippets enabled, case text cannot pull a file into the page."""
    project, outside = guarded
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: ['..']\n"))
    include = f'--8<-- "{outside.name}/secret.txt"'
    _edit_case(project, lambda data: data.update(diagnosis=include, presentation=f"Itchy.\n\n{include}\n"))
    code, stderr = _build_and_check_nothing_leaked(project, outside)
    assert code == 0, stderr
