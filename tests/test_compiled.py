"""Compiled templates kept between builds (site_builder/pages/compiled.py) and the other files of the user's cache
folder (site_builder/cachefiles.py): a second process takes the code the first compiled, and nothing else."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from site_builder import cachefiles
from site_builder.pages.compiled import FOLDER, CompiledTemplates, signature


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITE_BUILDER_CACHE_DIR", str(folder))
    monkeypatch.delenv("SITE_BUILDER_CACHE", raising=False)
    return folder


def environment(templates: Path, **options: object) -> tuple[jinja2.Environment, list[str]]:
    """A new environment (as a new process would have: an empty memory cache) and the names it compiles."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=CompiledTemplates(), **options)
    compiled: list[str] = []
    compile_ = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):  # noqa: ANN001, ANN202 - Jinja's signature
        compiled.append(name)
        return compile_(source, name, filename, raw, defer_init)

    env.compile = counting  # type: ignore[method-assign]
    return env, compiled


def test_a_template_compiled_once_is_taken_from_disk_by_the_next_environment(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{% for x in items %}<b>{{ x }}</b>{% endfor %}", encoding="utf-8")
    first, compiled = environment(tmp_path)
    assert first.get_template("page.html").render(items=[1, 2]) == "<b>1</b><b>2</b>"
    assert compiled == ["page.html"]
    assert len(list((cache / FOLDER).iterdir())) == 1
    second, compiled = environment(tmp_path)
    assert second.get_template("page.html").render(items=[3]) == "<b>3</b>"
    assert compiled == [], "the second environment read the compiled code"


def test_an_edited_template_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("old {{ x }}", encoding="utf-8")
    environment(tmp_path)[0].get_template("page.html").render(x=1)
    page.write_text("new {{ x }}", encoding="utf-8")
    env, compiled = environment(tmp_path)
    assert env.get_template("page.html").render(x=1) == "new 1"
    assert compiled == ["page.html"]


def test_environments_that_compile_differently_do_not_share_code(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{% if x %}\n  yes\n{% endif %}\n{{ x | shout }}", encoding="utf-8")
    plain, _ = environment(tmp_path)
    plain.filters["shout"] = lambda value: f"{value}!"
    assert plain.get_template("page.html").render(x=1) == "\n  yes\n\n1!"
    trimmed, compiled = environment(tmp_path, trim_blocks=True, lstrip_blocks=True)
    trimmed.filters["shout"] = lambda value: f"{value}!"
    assert trimmed.get_template("page.html").render(x=1) == "  yes\n1!"
    assert compiled == ["page.html"]
    with_context, compiled = environment(tmp_path)
    with_context.filters["shout"] = jinja2.pass_context(lambda context, value: f"{value}{context['mark']}")
    assert with_context.get_template("page.html").render(x=1, mark="?") == "\n  yes\n\n1?"
    assert compiled == ["page.html"], "a filter that takes the context is called differently by the compiled code"
    assert len({signature(plain), signature(trimmed), signature(with_context)}) == 3


def test_a_damaged_file_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("ok {{ x }}", encoding="utf-8")
    environment(tmp_path)[0].get_template("page.html")
    for file in (cache / FOLDER).iterdir():
        file.write_bytes(file.read_bytes()[:12] + b"\x00garbage")
    env, compiled = environment(tmp_path)
    assert env.get_template("page.html").render(x=2) == "ok 2"
    assert compiled == ["page.html"]


def test_nothing_is_kept_when_the_cache_is_off_or_others_can_write_the_folder(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "page.html").write_text("ok", encoding="utf-8")
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    environment(tmp_path)[0].get_template("page.html")
    assert not (cache / FOLDER).exists()
    monkeypatch.delenv("SITE_BUILDER_CACHE")
    (cache / FOLDER).mkdir(parents=True)
    os.chmod(cache / FOLDER, 0o777)
    environment(tmp_path)[0].get_template("page.html")
    assert list((cache / FOLDER).iterdir()) == [], "code planted by another user would run"
    assert cachefiles.private_folder(FOLDER) is None


def test_a_cache_that_cannot_be_written_costs_only_a_compile(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("ok {{ x }}", encoding="utf-8")
    cache.mkdir()
    (cache / FOLDER).write_text("a file where the folder goes", encoding="utf-8")
    assert environment(tmp_path)[0].get_template("page.html").render(x=1) == "ok 1"


def test_files_are_written_whole_and_the_oldest_beyond_the_limit_go(cache: Path) -> None:
    folder = cachefiles.private_folder("things")
    assert folder is not None and stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    for i in range(5):
        cachefiles.write(folder, f"f{i}", b"x" * i, keep=3)
        os.utime(folder / f"f{i}", (1000 + i, 1000 + i))
    assert sorted(p.name for p in folder.iterdir()) == ["f2", "f3", "f4"]
    assert cachefiles.read(folder, "f4") == b"xxxx" and cachefiles.read(folder, "gone") is None


def test_a_second_build_compiles_no_template(cache: Path, tmp_path: Path) -> None:
    """In separate processes, as `mkdocs build` runs: the second finds every template (ours, the theme's) compiled."""
    script = (
        "import jinja2, sys\n"
        "from site_builder.pages.render import make_environment\n"
        "count = []\n"
        "compile_ = jinja2.Environment.compile\n"
        "jinja2.Environment.compile = lambda self, source, name=None, *a, **k: count.append(name) or compile_(self, source, name, *a, **k)\n"
        "make_environment(None).get_template('case.html.j2')\n"
        "print(len(count))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ) for _ in range(2)]
    assert int(runs[0].stdout) > 0
    assert int(runs[1].stdout) == 0, runs[1].stderr
