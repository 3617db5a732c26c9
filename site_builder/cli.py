"""The `site-builder` command: thin wrappers over the library, no logic of its own."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .emit import write_tree
from .project import load_project
from .report import FORMATS, format_problems
from .schema import SCHEMA_PATH, case_schema_text
from .settings import project_settings
from .site import build_site


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="site-builder")
def main() -> None:
    """Build a trustworthy evidence website from clinical case files and a bibliography."""


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="How problems are printed.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(path: Path, fmt: str, strict: bool) -> None:
    """Check every case file, the bibliography and the content pages of the project at PATH.

    Exit status: 0 when clean, 1 when any error (or warning with --strict), 2 on a usage error.
    """
    project = load_project(project_settings(path)[0])
    if project.problems or fmt == "json":
        click.echo(format_problems(project.problems, fmt))
    errors = len(project.errors)
    warnings = len(project.problems) - errors
    if fmt == "text":
        click.echo(
            f"{len(project.cases)} cases, {len(project.indications)} indications, {len(project.references)} references, "
            f"{len(project.pages)} pages checked: {errors} errors, {warnings} warnings",
            err=True,
        )
    sys.exit(1 if errors or (strict and warnings) else 0)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Exit 1 if the committed schema differs from the model instead of writing it.")
def schema(path: Path, check: bool) -> None:
    """Write schema/case.schema.json (the JSON Schema editors use) from the case model."""
    target = path / SCHEMA_PATH
    text = case_schema_text()
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            click.echo(f"{SCHEMA_PATH}:1:1: error: schema: out of date; run 'site-builder schema' and commit it", err=True)
            sys.exit(1)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--project", "root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path), show_default=True, help="The project to build.")
def generate(out_dir: Path, root: Path) -> None:
    """Write the site as a plain Markdown tree (OUT_DIR/docs and OUT_DIR/mkdocs.yml) that builds without this plugin."""
    paths, options = project_settings(root)
    project = load_project(paths)
    if project.problems:
        click.echo(format_problems(project.problems), err=True)
    if project.errors:
        click.echo(f"{len(project.errors)} errors: nothing was written", err=True)
        sys.exit(1)
    site = build_site(project, options)
    if site.problems:
        click.echo(format_problems(site.problems), err=True)
        sys.exit(1)
    count = write_tree(site, project, out_dir, root / "mkdocs.yml")
    click.echo(f"wrote {count} files ({len(site.pages)} pages) to {out_dir}", err=True)
