"""Compiled templates kept between builds (site_builder/pages/compiled.py) and the other files of the user's cache
folder (site_builder/cachefiles.py): a second process takes the code the first compiled, and nothing else."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jinja2
import jinja2.sandbox
import pytest
from jinja2.bccache import bc_magic

from conftest import ROOTS

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


@pytest.mark.parametrize("damage", ["checksum", "code"])
def test_a_damaged_file_is_compiled_again(cache: Path, tmp_path: Path, damage: str) -> None:
    (tmp_path / "page.html").write_text("ok {{ x }}", encoding="utf-8")
    environment(tmp_path)[0].get_template("page.html")
    for file in (cache / FOLDER).iterdir():
        data = file.read_bytes()
        header = len(bc_magic) if damage == "checksum" else len(bc_magic) + len(pickle.dumps(hashlib.sha1(b"ok {{ x }}").hexdigest(), 2))
        file.write_bytes(data[:header] + b"\x00garbage")
    env, compiled = environment(tmp_path)
    assert env.get_template("page.html").render(x=2) == "ok 2"
    assert compiled == ["page.html"]


def test_another_function_under_a_filters_name_or_other_escaping_compiles_again(cache: Path, tmp_path: Path) -> None:
    """Jinja calls filters and finalize on constants while compiling: the code holds their results."""
    (tmp_path / "page.html").write_text('{{ "a" | mark }}{{ "<b>" }}', encoding="utf-8")

    def square(value: str) -> str:
        return f"[{value}]"

    def angle(value: str) -> str:
        return f"<{value}>"

    results = []
    escaping = [True, jinja2.select_autoescape(["html"]), jinja2.select_autoescape(["xml"])]  # the last two: one function
    for mark, options in ((square, {}), (angle, {}), *((square, {"autoescape": escape}) for escape in escaping)):
        env, _ = environment(tmp_path, **options)
        env.filters["mark"] = mark
        results.append(env.get_template("page.html").render())
    assert results == ["[a]<b>", "<a><b>", "[a]&lt;b&gt;", "[a]&lt;b&gt;", "[a]<b>"]

    def unsafe() -> str:
        return "ran"

    unsafe.unsafe_callable = True  # type: ignore[attr-defined]
    (tmp_path / "unsafe.html").write_text("{{ f() }}", encoding="utf-8")
    assert environment(tmp_path)[0].get_template("unsafe.html").render(f=unsafe) == "ran"
    sandbox = jinja2.sandbox.SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=CompiledTemplates())
    with pytest.raises(jinja2.sandbox.SecurityError):  # the sandbox's checks are compiled into its code
        sandbox.get_template("unsafe.html").render(f=unsafe)


def test_nothing_is_kept_when_the_cache_is_off_or_others_can_write_the_folders(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "page.html").write_text("ok", encoding="utf-8")
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    environment(tmp_path)[0].get_template("page.html")
    assert not (cache / FOLDER).exists()
    monkeypatch.delenv("SITE_BUILDER_CACHE")
    (cache / FOLDER).mkdir(parents=True)
    for writable in (cache / FOLDER, cache):
        os.chmod(writable, 0o777)
        environment(tmp_path)[0].get_template("page.html")
        assert list((cache / FOLDER).iterdir()) == [], "code planted by another user would run"
        assert cachefiles.private_folder(FOLDER) is None
        os.chmod(writable, 0o700)
    assert cachefiles.private_folder(FOLDER) == cache / FOLDER


def test_a_cache_that_cannot_be_written_costs_only_a_compile(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("ok {{ x }}", encoding="utf-8")
    cache.mkdir()
    (cache / FOLDER).write_text("a file where the folder goes", encoding="utf-8")
    assert environment(tmp_path)[0].get_template("page.html").render(x=1) == "ok 1"


def test_the_oldest_files_beyond_the_limit_and_what_killed_writers_left_go_and_nothing_else(cache: Path) -> None:
    folder = cachefiles.private_folder("things")
    assert folder is not None and stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    names = [f"{i:040x}.x" for i in range(5)]
    left, recent = folder / f".{9:040x}.x.abc123.tmp", folder / f".{8:040x}.x.def456.tmp"
    others = [folder / n for n in ("page.x", "notes.txt", ".profile", f"{7:040x}.y", ".mine.x.old.tmp", f"{6:040x}.x.bak")]  # not the cache's
    for path in (left, recent, *others):
        path.write_bytes(b"half")
        os.utime(path, (1, 1))
    os.utime(recent, None)  # a writer still at work
    for i, name in enumerate(names):
        cachefiles.write(folder, name, b"x" * i, keep=3)
        os.utime(folder / name, (1000 + i, 1000 + i))
    assert sorted(p.name for p in folder.iterdir()) == sorted([recent.name, *names[2:], *(p.name for p in others)])
    assert cachefiles.read(folder, names[4]) == b"xxxx" and cachefiles.read(folder, "gone") is None
    cachefiles.write(folder, f"{1:040x}.z", iter([b"a", b"b"]))
    assert cachefiles.read(folder, f"{1:040x}.z") == b"ab"


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_staging_file(cache: Path) -> None:
    folder = cachefiles.private_folder("things")
    assert folder is not None
    name = f"{1:040x}.z"
    cachefiles.write(folder, name, b"old")

    def parts():  # noqa: ANN202
        yield b"new"
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    with pytest.raises(UnicodeEncodeError):
        cachefiles.write(folder, name, parts())
    assert [p.name for p in folder.iterdir()] == [name] and cachefiles.read(folder, name) == b"old"


def test_a_second_build_compiles_no_template_and_writes_the_same_site(cache: Path, tmp_path: Path) -> None:
    """`mkdocs build` in processes of their own, as a user runs it: the second finds every template compiled, ours and
    the theme's, and the theme's stylesheets cut; what it writes is what a build without any cache writes."""
    script = (
        "import sys, jinja2\n"
        "compile_ = jinja2.Environment.compile\n"
        "def counting(self, source, name=None, *args, **kwargs):\n"
        "    if name is not None:\n"
        "        print('compiled', name, file=sys.stderr)\n"
        "    return compile_(self, source, name, *args, **kwargs)\n"
        "jinja2.Environment.compile = counting\n"
        "from mkdocs.__main__ import cli\n"
        "cli(['build', '-q', '-f', sys.argv[1], '-d', sys.argv[2]])\n"
    )
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "minimal", root)
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200"}
    sites = {}
    for run, extra in (("first", {}), ("second", {}), ("none", {"SITE_BUILDER_CACHE": "off"})):
        result = subprocess.run([sys.executable, "-c", script, str(root / "mkdocs.yml"), str(tmp_path / run)], capture_output=True, text=True, env={**environment, **extra}, check=False, timeout=300)
        assert result.returncode == 0, result.stderr
        sites[run] = ({p.relative_to(tmp_path / run).as_posix(): p.read_bytes() for p in (tmp_path / run).rglob("*") if p.is_file()}, result.stderr.count("compiled "))
    assert sites["first"][1] > 20 and "compiled main.html" in result.stderr and "compiled case.html.j2" in result.stderr
    assert sites["second"][1] == 0, "the second build compiled templates again"
    assert len(list((cache / "stylesheets").iterdir())) == 1
    assert sites["second"][0] == sites["none"][0] == sites["first"][0]
