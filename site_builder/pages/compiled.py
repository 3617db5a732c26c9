"""Compiled templates kept between renders: in memory for the process (a `mkdocs serve` session renders the same
templates at every rebuild) and on disk for the next build, in the user's cache folder (cachefiles.py).

Jinja's own bytecode cache does the work: a template's compiled code is used only while the checksum of its source is
the same, so an edited template is compiled again. Compiled code also depends on the environment that compiled it:
its class, syntax settings, policies, autoescape for the template's name, extensions, and which code each filter,
test and finalize is (Jinja runs them on constant arguments while compiling): the module and name of each, with
site_builder's code version for our own and the size and time of the module's file for any other. All of that goes
into the key, so our environment and MkDocs' share one cache without taking each other's code, and an upgrade of a
plugin that gives the theme a filter compiles again. Nothing is kept on disk unless the folder and the cache folder
above it belong to the user alone (Jinja reads pickled and marshalled data from it). A file that cannot be read or
written costs a compile, never the build.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from site_builder import cachefiles
from site_builder.records.diskcache import code_version

FOLDER, SUFFIX = "templates", ".jinja"  # the cache's folder of compiled templates, and their files' ending
KEEP = 500  # compiled templates kept on disk (a project has about 50 with the theme's); the oldest beyond go
SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string", "comment_start_string",
    "comment_end_string", "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
    "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
)


def _identity(thing: Any) -> str:
    """Which code a filter, test, finalize or class is: its module and name, and that module's version. Jinja runs
    filters, tests and finalize on constant arguments while it compiles, so their results are part of the code."""
    if thing is None:
        return "None"
    named = thing if hasattr(thing, "__qualname__") else type(thing)
    module = getattr(named, "__module__", None) or ""
    line = getattr(getattr(thing, "__code__", None), "co_firstlineno", "")  # two lambdas of one module differ here
    ours = module.partition(".")[0] == "site_builder"
    return f"{module}.{named.__qualname__}{line}:{getattr(thing, 'jinja_pass_arg', None)}@{_module_version('site_builder' if ours else module)}"


@functools.lru_cache(maxsize=None)
def _module_version(module: str) -> str:
    """site_builder's code version for its own modules; for another, the size and time of its file (an upgrade
    rewrites it)."""
    if module == "site_builder":
        return code_version()  # every module of the package: one of ours may call any other
    file = getattr(sys.modules.get(module), "__file__", None)
    try:
        status = os.stat(file) if file else None
    except OSError:
        status = None
    return f"{status.st_size}:{status.st_mtime_ns}" if status else sys.version


def signature(env: jinja2.Environment) -> str:
    """What a compiled template of env depends on besides its own source and its name (the autoescape setting can
    depend on the name: see CompiledTemplates.get_bucket)."""
    parts = [jinja2.__version__, _identity(type(env)), _identity(env.code_generator_class), _identity(env.undefined)]
    parts += [repr(getattr(env, name, None)) for name in SYNTAX]
    parts += [f"sandboxed={env.sandboxed}", f"finalize={_identity(env.finalize)}", f"autoescape={_identity(env.autoescape) if callable(env.autoescape) else bool(env.autoescape)}"]
    parts += [repr(sorted(getattr(env, name, ()))) for name in ("intercepted_binops", "intercepted_unops")]  # a sandbox's
    parts += [f"{key}={_identity(value) if callable(value) else repr(value)}" for key, value in sorted(env.policies.items())]
    parts += [_identity(extension) for _, extension in sorted(env.extensions.items())]
    parts += [f"filter {name} {_identity(f)}" for name, f in sorted(env.filters.items())]
    parts += [f"test {name} {_identity(f)}" for name, f in sorted(env.tests.items())]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache for every environment of the process (ours and MkDocs' theme), in memory and on disk."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        escape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape  # as compiled
        key = self.get_cache_key(f"{signature(environment)}|{bool(escape)}|{name}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is None and (folder := cachefiles.private_folder(FOLDER)) is not None:
            code = cachefiles.read(folder, bucket.key + SUFFIX)
        if code is not None:
            try:
                bucket.bytecode_from_string(code)  # resets the bucket when the source changed since
            except Exception:  # noqa: BLE001 - a damaged file: the template is compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        self.compiled[bucket.key] = code
        if (folder := cachefiles.private_folder(FOLDER)) is not None:
            cachefiles.write(folder, bucket.key + SUFFIX, code, keep=KEEP)

    def clear(self) -> None:
        self.compiled.clear()


TEMPLATES = CompiledTemplates()
