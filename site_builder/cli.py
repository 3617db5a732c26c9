"""The `site-builder` command: thin wrappers over the library, no logic of its own."""

from __future__ import annotations

import atexit
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from site_builder.records.model import Problem, Severity
from site_builder.project import jobs_setting, leave_out_pages, load_project
from site_builder.commands.report import FORMATS, format_problems
from site_builder.engine import settings

if TYPE_CHECKING:  # imported where a command needs them: `validate FILE` stays fast (an editor's, a hook's check)
    from site_builder.commands import newcase

T = TypeVar("T")


def _settings(root: Path, read: Callable | None = None):  # noqa: ANN202 - what read returns
    """The project's settings from its mkdocs.yml, or a located error and exit 1 when they are invalid."""
    try:
        return (read or settings.project_settings)(root)
    except settings.ConfigFileError as exc:
        _config_file_error(exc)
    except ValueError as exc:
        click.echo(f"{root / 'mkdocs.yml'}:1:1: error: plugins.site-builder: {exc}", err=True)
        sys.exit(1)


def _config_file_error(exc: settings.ConfigFileError) -> NoReturn:
    """A settings file that cannot be read, as a located error; exit 1."""
    click.echo(str(Problem(str(exc.path), exc.line, exc.column, Severity.error, exc.field, str(exc))), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="site-builder")
def main() -> None:
    """Build a trustworthy evidence website from clinical case files and a bibliography."""


def _project_root(path: Path) -> Path:
    """The project a path belongs to: the nearest folder upwards with a mkdocs.yml, else the folder itself."""
    start = path.resolve() if path.is_dir() else path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return start if path.is_dir() else Path.cwd().resolve()


def _checked_here(project_paths, path: Path) -> bool:  # noqa: ANN001 - ProjectPaths
    """Whether validate has anything to check in path: case and study files, content pages, the bibliography."""
    resolved = path.resolve()
    inputs = [project_paths.root / project_paths.cases, project_paths.root / project_paths.studies, project_paths.root / project_paths.content, project_paths.root / project_paths.bibliography]
    return any(resolved == i.resolve() or i.resolve() in resolved.parents or resolved in i.resolve().parents for i in inputs)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="How problems are printed.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check case files, the bibliography and content pages.

    PATHS are project folders, or files and folders inside a project (such as cases/smith2024-case1.yaml):
    a project folder (the default, '.') is checked whole; files and folders inside one are checked against the
    project's bibliography and indications, which is what an editor or a pre-commit hook needs.

    Exit status: 0 when clean, 1 when any error (or warning with --strict), 2 on a usage error.
    """
    # A short-lived process: the cycle collector, once load_project enables it again, would walk every object the
    # load made (about a second at 10,000 files) to find next to no garbage.
    enabled = gc.isenabled()
    gc.disable()
    _no_collection_at_exit()
    try:
        groups: dict[Path, list[Path]] = {}
        for path in paths or (Path("."),):
            groups.setdefault(_project_root(path), []).append(path)
        problems, summaries = [], []
        for root, members in groups.items():
            project_paths = _settings(root, settings.project_paths)
            whole = any(m.resolve() == root or m.name == "mkdocs.yml" for m in members)
            only = None if whole else [m for m in members if _checked_here(project_paths, m)]
            for skipped in [] if whole else [m for m in members if not _checked_here(project_paths, m)]:
                click.echo(f"{skipped}: not checked (not a case file, content page or the bibliography)", err=True)
            if only == []:
                continue
            project = load_project(project_paths, only, disk_cache=True)
            problems += project.problems
            studies = f"{len(project.studies)} studies, " if project.studies else ""
            if whole:
                summaries.append(
                    f"{len(project.cases)} cases, {studies}{len(project.indications)} indications, {len(project.references)} references, {len(project.pages)} pages checked"
                )
            else:
                summaries.append(f"{len(project.case_stems)} case files{f', {len(project.study_stems)} study files' if project.study_stems else ''} and {sum(project.checks(root / project_paths.content / p) for p in project.pages)} pages checked")
            if project.drafts:
                summaries[-1] += f" ({len(project.drafts)} drafts, not built: {', '.join(sorted(project.drafts.values()))})"
        if problems or fmt == "json":
            click.echo(format_problems(problems, fmt))
        errors = sum(p.severity is Severity.error for p in problems)
        warnings = len(problems) - errors
        if fmt == "text":
            click.echo(f"{'; '.join(summaries) or 'nothing checked'}: {errors} errors, {warnings} warnings", err=True)
        sys.exit(1 if errors or (strict and warnings) else 0)
    finally:
        if enabled:  # the command also runs in-process (tests, editors' integrations)
            if not gc.get_freeze_count():  # (a caller's own freeze is left as it was)
                # what the load made becomes old: collected as such later, not all walked at the next allocation
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _no_collection_at_exit() -> None:
    """Have the process end without the cycle collector's last walk over every object still alive (about 4 s after
    a load of 10,000 files: the record cache keeps them); the memory goes back to the system all the same. Runs at
    the interpreter's exit only (atexit), so a process that runs the command in-process collects as before."""
    atexit.unregister(gc.freeze)  # registered once, however often the command runs
    atexit.register(gc.freeze)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Exit 1 if the committed schema differs from the model instead of writing it.")
def schema(path: Path, check: bool) -> None:
    """Write schema/case.schema.json and schema/study.schema.json (the JSON Schemas editors use) from the models."""
    from site_builder.records.schema import SCHEMAS, schema_text

    stale = 0
    for rel, model in SCHEMAS.items():
        target, text = path / rel, schema_text(model)
        if check:
            if (target.read_text(encoding="utf-8") if target.is_file() else "") != text:
                click.echo(f"{rel.as_posix()}:1:1: error: schema: out of date; run 'site-builder schema' and commit it", err=True)
                stale += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}", err=True)
    sys.exit(1 if stale else 0)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--project", "root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path), show_default=True, help="The project to build.")
def generate(out_dir: Path, root: Path) -> None:
    """Write the site as a plain Markdown tree (OUT_DIR/docs and OUT_DIR/mkdocs.yml) that builds without this plugin."""
    from site_builder.engine.settings import docs_left_out
    from site_builder.output.emit import tree_options, write_tree
    from site_builder.pages.site import build_site

    paths, options = _settings(root)
    options = tree_options(options, root / "mkdocs.yml")
    project = load_project(paths, disk_cache=True)  # what `site-builder validate` checked, as `mkdocs build` reads it
    if project.problems:
        click.echo(format_problems(project.problems), err=True)
    if project.errors:
        click.echo(f"{len(project.errors)} errors: nothing was written", err=True)
        sys.exit(1)
    try:
        left_out = docs_left_out(root, paths.root / paths.content, lambda message: click.echo(f"{root / 'mkdocs.yml'}:1:1: warning: docs: {message}", err=True))
    except ValueError as exc:
        click.echo(f"{root / 'mkdocs.yml'}:1:1: error: {exc}", err=True)
        sys.exit(1)
    project = leave_out_pages(project, left_out.__contains__)  # as `mkdocs build` leaves them out
    site = build_site(project, options, jobs=jobs_setting())
    if site.problems:
        click.echo(format_problems(site.problems), err=True)
        sys.exit(1)
    count = write_tree(site, project, out_dir, root / "mkdocs.yml", left_out)
    click.echo(f"wrote {count} files ({len(site.pages)} pages) to {out_dir}", err=True)


@main.command()
@click.argument("site_dir", type=click.Path(file_okay=False, path_type=Path))
def index(site_dir: Path) -> None:
    """Write the search index (Pagefind) of a built site into SITE_DIR/pagefind/: a site built by any engine, such as
    plain MkDocs or Zensical on the `generate` tree. `mkdocs build` with the plugin does this itself."""
    from site_builder.output.search import SearchIndexError, index_site

    try:
        click.echo(index_site(site_dir).summary(), err=True)
    except SearchIndexError as exc:
        click.echo(f"{site_dir}:1:1: error: search: {exc}", err=True)
        sys.exit(1)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _check(value: T, option: str, check: Callable[[T], T]) -> T:
    from site_builder.commands.newcase import Refused

    try:
        return check(value)
    except Refused as exc:
        raise click.BadParameter(str(exc), param_hint=f"'{option}'") from None


def _ask(value: str | None, option: str, question: str, check: Callable[[str], str]) -> str:
    """An option's value, checked; when it is missing, asked for (again until acceptable) if a person is at the terminal."""
    if value is not None:
        return _check(value, option, check)
    if not _interactive():
        raise click.UsageError(f"Missing option '{option}' (it is asked for only in an interactive terminal).")
    return click.prompt(question, value_proc=lambda answer: _check(answer, option, check))


def _write(make: Callable[[], Path], choices: newcase.ProjectChoices, what_next: str) -> None:
    try:
        path = make()
    except ValueError as exc:  # newcase.Refused included: a file written meanwhile, a missing template
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {choices.paths.display(path)}: {what_next}", err=True)


def _choices(root: Path) -> newcase.ProjectChoices:
    from site_builder.commands.newcase import ProjectChoices

    try:
        return ProjectChoices.of(root)
    except settings.ConfigFileError as exc:
        _config_file_error(exc)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("new-case")
@click.option("--id", "case_id", help="The new case's id: a lowercase slug, also its file name and address.")
@click.option("--indication", help="Its indication's id (a page under content/indications/).")
@click.option("--citation", help="The source's citation key in references.bib.")
@click.option("--project", "root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path), show_default=True, help="The project to add the case to.")
def new_case(case_id: str | None, indication: str | None, citation: str | None, root: Path) -> None:
    """Write cases/ID.yaml from the commented template, ready to fill in; asks for what is not given.

    Refuses an id that is taken or not a slug, an unknown indication and a citation key not in references.bib.
    """
    from site_builder.commands.newcase import write_case

    choices = _choices(root)
    case_id = _ask(case_id, "--id", "Case id (such as smith2024-case2-melasma)", choices.check_case_id)
    known = ", ".join(sorted(choices.indication_orders))
    indication = _ask(indication, "--indication", f"Indication ({known})", choices.check_indication)
    citation = _ask(citation, "--citation", "Citation key of the source in references.bib", choices.check_citation)
    _write(lambda: write_case(choices, case_id, indication, citation), choices,
           f"a draft: fill in every field marked REQUIRED, run 'site-builder validate', then 'site-builder publish {case_id}'")


@main.command("new-indication")
@click.option("--id", "ident", help="The indication's id: a lowercase slug, also its file name and address.")
@click.option("--title", help="The indication's title, such as 'Atopic dermatitis'.")
@click.option("--plain-name", help="Its name in plain words, such as 'Eczema'.")
@click.option("--description", help="One sentence describing the page, for search results.")
@click.option("--order", type=int, help="Position among the indications (default: after the last).")
@click.option("--literature", multiple=True, help="A citation key of related literature (repeatable).")
@click.option("--project", "root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path), show_default=True, help="The project to add the indication to.")
def new_indication(
    ident: str | None, title: str | None, plain_name: str | None, description: str | None, order: int | None, literature: tuple[str, ...], root: Path
) -> None:
    """Write content/indications/ID.md: the front matter that declares an indication, and a body to fill in."""
    from site_builder.commands.newcase import non_empty, write_indication

    choices = _choices(root)
    ident = _ask(ident, "--id", "Indication id (such as vitiligo)", choices.check_indication_id)
    title = _ask(title, "--title", "Title", non_empty)
    plain_name = _ask(plain_name, "--plain-name", "Name in plain words", non_empty)
    description = _ask(description, "--description", "One-sentence description", non_empty)
    literature = _check(literature, "--literature", choices.check_literature)
    _write(lambda: write_indication(choices, ident, title, plain_name, description, order, literature), choices,
           "write its two sections, then run 'site-builder validate'")


@main.command()
@click.argument("case_id", metavar="ID")
@click.option("--project", "root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path), show_default=True, help="The project the record belongs to.")
def publish(case_id: str, root: Path) -> None:
    """Publish the draft case or the study ID: checks it, removes a 'draft: true' line and registers its id in
    cases/published-ids.txt (studies: studies/published-ids.txt).

    From then on the record is built and its address is permanent: it can be withdrawn, not deleted.
    """
    from site_builder.commands.publish import NotDone, publish as publish_case

    paths = _settings(root, settings.project_paths)
    try:
        path = publish_case(paths, case_id)
    except NotDone as exc:
        if exc.problems:
            click.echo(format_problems(exc.problems))
        raise click.ClickException(str(exc)) from None
    click.echo(f"published {paths.display(path)}: it is built from now on and its id is registered", err=True)


@main.command()
@click.argument("case_id", metavar="ID")
@click.option("--reason", required=True, help="Why the record is withdrawn (shown on its page).")
@click.option("--date", help="When, as YYYY-MM or YYYY-MM-DD (default: this month).")
@click.option("--project", "root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path), show_default=True, help="The project the record belongs to.")
def withdraw(case_id: str, reason: str, date: str | None, root: Path) -> None:
    """Withdraw the published case or study ID: its page becomes a tombstone saying why and when, and its address keeps working."""
    from site_builder.commands.publish import NotDone, withdraw as withdraw_case

    paths = _settings(root, settings.project_paths)
    try:
        path = withdraw_case(paths, case_id, reason, date)
    except NotDone as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"withdrew {paths.display(path)}: its page is now a tombstone", err=True)


if __name__ == "__main__":  # `python -m site_builder.cli`, as `python -m site_builder`
    main(prog_name="site-builder")
