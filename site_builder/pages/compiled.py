"""Compiled templates kept between renders: in memory for the process (a `mkdocs serve` session renders the same
templates at every rebuild) and on disk for the next build, in the user's cache folder (cachefiles.py).

Jinja's own bytecode cache does the work: a template's compiled code is used only while the checksum of its source is
the same, so an edited template is compiled again. Compiled code also depends on the environment that compiled it
(its syntax settings, extensions and which filters and tests take the context), so that goes into the key as well:
our environment and MkDocs' share one cache without taking each other's code. Nothing is kept on disk unless the
folder belongs to the user alone (Jinja reads pickled and marshalled data from it). A file that cannot be read or
written costs a compile, never the build.
"""

from __future__ import annotations

import hashlib
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from site_builder import cachefiles

FOLDER = "templates"
KEEP = 500  # compiled templates kept on disk (a project has about 50 with the theme's); the oldest beyond go
SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string", "comment_start_string",
    "comment_end_string", "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
    "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
)


def _passes(function: Any) -> str:
    """What Jinja hands a filter, test or finalize function besides its value (the compiled call depends on it)."""
    return str(getattr(function, "jinja_pass_arg", None))


def signature(env: jinja2.Environment) -> str:
    """What a compiled template of env depends on besides its own source."""
    parts = [jinja2.__version__, *(repr(getattr(env, name, None)) for name in SYNTAX)]
    parts += [f"autoescape={callable(env.autoescape) or bool(env.autoescape)}", f"finalize={env.finalize is not None}:{_passes(env.finalize)}"]
    parts += sorted(env.extensions)
    parts += [f"filter {name} {_passes(f)}" for name, f in sorted(env.filters.items())]
    parts += [f"test {name} {_passes(f)}" for name, f in sorted(env.tests.items())]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache for every environment of the process (ours and MkDocs' theme), in memory and on disk."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, self.get_cache_key(f"{signature(environment)}|{name}", filename), self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is None and (folder := cachefiles.private_folder(FOLDER)) is not None:
            code = cachefiles.read(folder, bucket.key)
        if code is not None:
            try:
                bucket.bytecode_from_string(code)  # resets the bucket when the source changed since
            except Exception:  # noqa: BLE001 - a damaged file: the template is compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        self.compiled[bucket.key] = code
        if (folder := cachefiles.private_folder(FOLDER)) is not None:
            cachefiles.write(folder, bucket.key, code, keep=KEEP)

    def clear(self) -> None:
        self.compiled.clear()


TEMPLATES = CompiledTemplates()
