"""Load a whole project (cases, indications, bibliography, content pages) and check it as one."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.citations.bib import load_bibliography
from site_builder.records.cite import CitationSyntaxError, find_citations, offset_to_position
from site_builder.records.explain import suggest, with_hint
from site_builder.records.images import check_images
from site_builder.records.load import CaseFile, Page, StudyFile, case_paths, indication_from_page, load_page
from site_builder.records.model import Case, Indication, Problem, Reference, Severity
from site_builder.records.checks import CACHE, RecordCheck, check_record_data, record_key
from site_builder.cachefiles import enabled
from site_builder.records.diskcache import DiskCache, entry, read_entry
from site_builder.records.study import Study

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass(frozen=True)
class ProjectPaths:
    """Where a project keeps its inputs, relative to its root."""

    root: Path
    cases: str = "cases"
    bibliography: str = "references.bib"
    content: str = "content"
    raw_html: str = "error"  # raw HTML in a record's text: "error", or "shown" (as typed, for testing the renderer)
    studies: str = "studies"

    @functools.cached_property
    def resolved_root(self) -> Path:
        """The root as an absolute path without symbolic links."""
        return self.root.resolve()

    def display(self, path: Path) -> str:
        """A path as shown in problems: relative to the root where possible."""
        try:
            return path.resolve().relative_to(self.resolved_root).as_posix()
        except ValueError:
            return str(path)

    def displays(self, folder: Path, paths: list[Path]) -> list[str]:
        """display() of each of paths, files found under folder: resolving the folder once and checking each file and
        folder below it for a symbolic link, instead of resolving every path (thousands of files)."""
        try:
            prefix = folder.resolve().relative_to(self.resolved_root).as_posix()
        except (OSError, ValueError):
            return [self.display(path) for path in paths]
        prefix = "" if prefix == "." else prefix + "/"
        base = str(folder).rstrip(os.sep) + os.sep  # paths as text: pathlib's relative_to and is_symlink took 0.1 s a 10,000 files
        links: dict[str, bool] = {base[:-1]: False}

        def linked(path: str) -> bool:  # path or a folder between it and folder is a symbolic link
            if path not in links:
                parent = os.path.dirname(path)
                links[path] = os.path.islink(path) or (parent != path and linked(parent))
            return links[path]

        shown = []
        for path in paths:
            text = str(path)
            parts = text[len(base):].split(os.sep) if text.startswith(base) and len(text) > len(base) else None
            if parts is None or ".." in parts or linked(text):
                shown.append(self.display(path))
            else:
                shown.append(prefix + "/".join(parts))
        return shown


@dataclass
class Project:
    """Everything a site is built from, plus every problem found while loading it."""

    paths: ProjectPaths
    cases: dict[str, Case] = field(default_factory=dict)
    case_files: dict[str, CaseFile] = field(default_factory=dict)
    studies: dict[str, Study] = field(default_factory=dict)
    study_files: dict[str, StudyFile] = field(default_factory=dict)
    indications: dict[str, Indication] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    only: tuple[Path, ...] | None = None  # check only files under these paths (None: the whole project)
    drafts: dict[str, str] = field(default_factory=dict)  # id -> file of each draft: checked, then left out of the site
    case_stems: set[str] = field(default_factory=set)  # names of the case files found, valid or not
    study_stems: set[str] = field(default_factory=set)  # names of the study files found, valid or not

    def checks(self, path: Path) -> bool:
        """Whether the file at path is to be checked (it lies under one of the paths asked for)."""
        if self.only is None:
            return True
        resolved = path.resolve()
        return any(resolved == p or p in resolved.parents for p in self.only)

    def hand_written(self, rel: str) -> bool:
        """Whether the page at rel is rendered as itself: any page but an indication's own file, which is merged into
        the indication's generated page."""
        page = self.pages.get(rel)
        return page is not None and not (rel.startswith("indications/") and page.path.removeprefix("indications/").removesuffix(".md") in self.indications)

    @property
    def errors(self) -> list[Problem]:
        """Problems of error severity."""
        return [p for p in self.problems if p.severity is Severity.error]

    def cases_for(self, indication: str) -> list[Case]:
        """The cases of one indication, in id order."""
        return [c for c in self.cases.values() if c.indication == indication]

    def studies_for(self, indication: str) -> list[Study]:
        """The studies of one indication, in id order."""
        return [s for s in self.studies.values() if s.indication == indication]

    @property
    def record_files(self) -> list[CaseFile | StudyFile]:
        """Every loaded case and study file."""
        return [*self.case_files.values(), *self.study_files.values()]


def leave_out_pages(project: Project, left_out: Callable[[str], bool]) -> Project:
    """The project without the hand-written pages the engine does not build (MkDocs' exclude_docs, draft_docs outside
    a preview, a page it drops): they are not rendered, get no citation downloads and are not listed as citing a work
    (a link there would lead nowhere). Generated pages are not affected."""
    dropped = {rel for rel in project.pages if left_out(rel)}
    if not dropped:
        return project
    return replace(project, pages={rel: page for rel, page in project.pages.items() if rel not in dropped})


def load_project(paths: ProjectPaths, only: Sequence[Path] | None = None, *, keep_drafts: bool = False, disk_cache: bool = False) -> Project:
    """Load and cross-check a project; problems are collected, never raised.

    With only (files or folders inside the project), the bibliography and indications are loaded as context and
    just the case files and pages under those paths are checked: what an editor or a pre-commit hook needs.
    Drafts are checked, listed in project.drafts and left out of project.cases unless keep_drafts (a local preview).
    Record files are checked once per content (checks.py); with disk_cache, a whole-project load also keeps their
    results on disk for the next process (diskcache.py; SITE_BUILDER_CACHE=off turns it off).
    """
    with _no_cycle_collection():
        return _load_project(paths, only, keep_drafts, disk_cache)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Loading makes millions of objects and no garbage cycles to speak of: Python's cycle collector, triggered again
    and again by the allocations, would take half the time of a load. It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_project(paths: ProjectPaths, only: Sequence[Path] | None, keep_drafts: bool, disk_cache: bool) -> Project:
    project = Project(paths, only=tuple(p.resolve() for p in only) if only is not None else None)
    cached = CACHE.start(paths.root)
    disk = None
    if disk_cache and only is None:
        disk = DiskCache(paths.root) if enabled() else None
    with _RecordChecks(project, cached, disk) as checks:  # worker processes check new record files meanwhile
        _load_bibliography(project, disk)
        _load_content(project)
        _load_cases(project, checks)
        _load_studies(project, checks)
    CACHE.finish(paths.root, {**cached, **checks.used} if only is not None else checks.used)
    if disk is not None:
        disk.save({**disk.kept, **checks.lines})
    _check_citations(project)
    if project.only is None:
        _check_published(project)
        _check_published_studies(project)
    for ident in [i for i, c in project.cases.items() if c.draft]:
        project.drafts[ident] = project.case_files[ident].display
        if not keep_drafts:
            del project.cases[ident], project.case_files[ident]
    project.problems.sort()
    return project


Bibliography = tuple[dict[str, Reference], list[Problem]]
BIBLIOGRAPHIES: dict[tuple[str, str], Bibliography] = {}  # the last few bibliographies read, by name and content


def _load_bibliography(project: Project, disk: DiskCache | None = None) -> None:
    path = project.paths.root / project.paths.bibliography
    if not path.is_file():
        project.problems.append(Problem(project.paths.bibliography, 1, 1, Severity.error, "", "bibliography file not found"))
        return
    display = project.paths.display(path)
    try:
        key = (display, hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest())
    except OSError:
        key = None
    found = BIBLIOGRAPHIES.get(key) if key else None
    if found is None and key and disk is not None:
        found = disk.bibliography(key)
    if found is None:
        found = load_bibliography(path, display)
    if key:
        BIBLIOGRAPHIES.pop(key, None)
        BIBLIOGRAPHIES[key] = found
        while len(BIBLIOGRAPHIES) > 4:
            del BIBLIOGRAPHIES[next(iter(BIBLIOGRAPHIES))]
        if disk is not None:
            disk.keep_bibliography(key, *found)
    references, problems = found
    project.references = dict(references)
    project.problems.extend(problems if project.checks(path) else [])


def _load_content(project: Project) -> None:
    folder = project.paths.root / project.paths.content
    if not folder.is_dir():
        project.problems.append(Problem(project.paths.content, 1, 1, Severity.error, "", "content folder not found"))
        return
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder).as_posix()
        is_indication = rel.startswith("indications/") and rel.count("/") == 1 and rel != "indications/index.md"
        if not (is_indication or project.checks(path)):
            continue
        page, problems = load_page(path, rel, project.paths.display(path))
        if not project.checks(path):
            problems = []  # loaded as context only: its indication, not its problems
        project.problems.extend(problems)
        if page is None:
            continue
        project.pages[rel] = page
        if is_indication:
            indication, problems = indication_from_page(page)
            project.problems.extend(problems if project.checks(path) else [])
            if indication:
                project.indications[indication.id] = indication


Checks = dict[tuple[str, ...], RecordCheck]
Job = tuple[tuple[str, ...], Path, str, str, str, bytes]  # key and the arguments of check_record
POOL_MIN = 400  # files to check before a pool of worker processes pays for its start (about 0.5 s)
CHUNK = 32  # files a worker checks per task: few enough that the main process can take the last tasks over
HANDOFF_SWITCH = 0.0005  # seconds: Python's thread switch interval while worker processes check files (see _hand_out)


class _ShortSwitch:
    """Python's thread switch interval shortened to HANDOFF_SWITCH while any load's worker pool runs, then set back
    to what it was: loads in several threads at once (an editor's integration) leave it as they found it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.saved: float | None = None  # the interval to set back; None: it was short enough, left as it was

    def shorten(self) -> None:
        with self.lock:
            if self.users == 0:
                interval = sys.getswitchinterval()
                self.saved = interval if interval > HANDOFF_SWITCH else None
                if self.saved is not None:
                    sys.setswitchinterval(HANDOFF_SWITCH)
            self.users += 1

    def restore(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0 and self.saved is not None:
                # CPython keeps whole microseconds, rounding down what it is given (0.007 would come back as
                # 0.006999): half a microsecond more gives back the very value getswitchinterval() reported.
                sys.setswitchinterval((round(self.saved * 1e6) + 0.5) / 1e6)
                self.saved = None


SHORT_SWITCH = _ShortSwitch()


def jobs_setting() -> int:
    """How many processes check record files and render pages: SITE_BUILDER_JOBS, else one per core this process may
    run on (its CPU affinity, as a container or `taskset` limits it), 1 meaning no worker processes."""
    value = os.environ.get("SITE_BUILDER_JOBS", "")
    if value.isdigit():
        return max(1, int(value))
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(usable) if usable else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether worker processes may be forked: on Linux only (macOS has fork, but its system libraries are not safe
    in a forked child), and only while no other thread runs (forking a process with threads can deadlock the child)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _check(job: Job, keep: bool) -> tuple[RecordCheck, str | None]:
    """One file checked, and its disk-cache entry when keep (None also when the entry cannot hold it exactly)."""
    key, path, display, kind, setting, raw = job
    check, data = check_record_data(path, display, kind, setting, raw)
    return check, entry(key, check, data) if keep else None


def _check_chunk(jobs: list[Job]) -> list[tuple[str | None, RecordCheck | None]]:
    """A worker's task: each file checked, sent back as its disk-cache entry (a string, quick to pass between
    processes, read back as diskcache reads it) or, when the entry cannot hold it exactly, as the check itself."""
    out: list[tuple[str | None, RecordCheck | None]] = []
    for job in jobs:
        check, line = _check(job, keep=True)
        out.append((line, None) if line is not None else (None, check))
    return out


class _RecordChecks:
    """Every case and study file of a project checked on its own: from the cache when its content was checked before,
    else here and in worker processes. The workers start as soon as the files found need them, and take tasks while
    the main process is still reading files, then the bibliography and content pages load; the main process then
    takes over the tasks no worker has started (the last first) and, between them, reads back what the workers
    finished (the first first), so that both ends meet with every process busy until then."""

    KINDS = {"case": "cases", "study": "studies"}

    def __init__(self, project: Project, cached: Checks, disk: DiskCache | None = None):
        self.used: Checks = {}
        self.disk = disk
        self.lines: dict[tuple[str, ...], str] = {}  # the disk entries of the files used
        self.paths: dict[str, list[Path]] = {}
        self.found: dict[str, list[tuple[str, ...] | RecordCheck]] = {}
        self.pool = None
        self.short_switch = False  # whether this load shortened the thread switch interval (restored on exit)
        self.tasks: list[tuple[list[Job], Future[list[tuple[str | None, RecordCheck | None]]]]] = []
        self.jobs: list[Job] = []  # files to check, not handed to a worker
        self.size = 1  # files per task
        try:
            self._read(project, cached, disk)
        except BaseException:
            self.__exit__()  # the workers started stop with the load
            raise

    def _read(self, project: Project, cached: Checks, disk: DiskCache | None) -> None:
        """Read every record file, take its check from a cache when there is one, else queue it (handed to the workers
        as it comes, once enough files wait)."""
        queued: set[tuple[str, ...]] = set()
        listed = {kind: self._paths(project, kind) for kind in self.KINDS}
        unread = sum(len(paths) for _, paths in listed.values())  # files not read yet
        jobs = jobs_setting()
        self.workers_max = jobs - 1  # the main process checks files too
        self.size = size = max(1, min(CHUNK, unread // (8 * jobs)))
        for kind, (folder, paths) in listed.items():
            self.paths[kind] = paths
            self.found[kind] = found = []
            for path, display in zip(paths, project.paths.displays(folder, paths)):
                unread -= 1
                try:
                    raw = path.read_bytes()
                except OSError as exc:
                    found.append(RecordCheck(None, (Problem(display, 1, 1, Severity.error, "", f"cannot read file: {exc.strerror}"),)))
                    continue
                key = record_key(kind, display, path, project.paths.raw_html, raw)
                if key in self.used or key in queued:
                    pass
                elif key in cached:
                    self.used[key] = cached[key]
                elif disk is not None and (check := disk.get(key)) is not None:
                    self.used[key] = check
                else:
                    queued.add(key)
                    self.jobs.append((key, path, display, kind, project.paths.raw_html, raw))
                    if len(self.jobs) >= size and self._workers_wanted(len(queued)):
                        self._hand_out(len(queued) + unread)
                if disk is not None and key in disk.lines:
                    self.lines[key] = disk.lines[key]
                found.append(key)
        if self._workers_wanted(len(queued)):
            self._hand_out(len(queued))

    def _workers_wanted(self, queued: int) -> bool:
        """Whether the files queued go to worker processes: when there may be workers, and they run already or enough
        files wait to pay for their start."""
        return self.workers_max >= 1 and (self.pool is not None or queued >= POOL_MIN)

    @staticmethod
    def _paths(project: Project, kind: str) -> tuple[Path, list[Path]]:
        folder = project.paths.root / getattr(project.paths, _RecordChecks.KINDS[kind])
        paths = case_paths(folder) if folder.is_dir() else []
        return folder, [p for p in paths if project.checks(p)] if project.only is not None else paths

    def _hand_out(self, files: int) -> None:
        """Hand the files waiting to the worker processes, in tasks of self.size files; first start the workers, as
        many as files (those to check, and those not read yet that may need it) keep busy."""
        if self.pool is None:
            workers = min(self.workers_max, files // (POOL_MIN // 2))
            if workers < 1:
                return
            import multiprocessing  # noqa: PLC0415 - only large projects pay for these imports
            from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

            # fork shares the loaded modules at no cost; where it is unsafe (can_fork: mkdocs serve's threads), spawn.
            context = multiprocessing.get_context("fork" if can_fork() else "spawn")
            self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=gc.disable)  # short-lived: see _no_cycle_collection
            # The pool's own threads in this process read the workers' results and send them their next tasks, and
            # each needs the GIL, which the checks here hold: by default they wait up to 5 ms for it, several times a
            # task. At 10,000 files a worker sat idle 3.2 s of its 11.7 s that way; with 0.5 ms, 0.7 s.
            SHORT_SWITCH.shorten()
            self.short_switch = True
        for start in range(0, len(self.jobs), self.size):
            chunk = self.jobs[start : start + self.size]
            self.tasks.append((chunk, self.pool.submit(_check_chunk, chunk)))
        self.jobs = []

    def __enter__(self) -> _RecordChecks:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
        finally:  # set back even when the wait for the workers is interrupted (Ctrl-C)
            if self.short_switch:
                SHORT_SWITCH.restore()
                self.short_switch = False

    def _check_here(self, jobs: list[Job]) -> None:
        for job in jobs:
            check, line = _check(job, keep=self.disk is not None)
            self.used[job[0]] = check
            if line is not None:
                self.lines[job[0]] = line

    def _read_back(self, chunk: list[Job], future: Future[list[tuple[str | None, RecordCheck | None]]]) -> None:
        """Take in a worker's finished task (waiting for it if need be)."""
        for job, (line, check) in zip(chunk, future.result()):
            key = job[0]
            if line is not None:
                check = read_entry(key, line)
                if self.disk is not None:
                    self.lines[key] = line
            if check is None:
                self._check_here([job])  # never expected: an entry that does not read back
            else:
                self.used[key] = check

    def _finish(self) -> None:
        """Check the files not checked yet: here the tasks no worker has started (the last first), reading back the
        workers' finished tasks (the first first) in between; then the rest of the workers' results as they come."""
        self._check_here(self.jobs)
        self.jobs = []
        tasks, first, last = self.tasks, 0, len(self.tasks)
        while first < last:
            if not tasks[first][1].done() and tasks[last - 1][1].cancel():  # no worker started it: checked here
                self._check_here(tasks[last - 1][0])
                last -= 1
            else:  # a finished task, or every task left has gone to a worker
                self._read_back(*tasks[first])
                first += 1
        self.tasks = []

    def checks(self, kind: str) -> list[RecordCheck]:
        """The kind's files checked on their own, in path order."""
        self._finish()
        return [item if isinstance(item, RecordCheck) else self.used[item] for item in self.found[kind]]


def _load_cases(project: Project, checks: _RecordChecks) -> None:
    paths = checks.paths["case"]
    if project.only is None and not paths:
        project.problems.append(
            Problem(project.paths.cases, 1, 1, Severity.error, "", "no case files (*.yaml) found; a site needs at least one case")
        )
        return
    for check in checks.checks("case"):
        project.problems.extend(check.problems)
        loaded = check.loaded
        if isinstance(loaded, CaseFile) and _accept(project, check, project.case_files):
            project.problems.extend(check_images(loaded, project.paths.root))
            project.cases[loaded.case.id] = loaded.case
            project.case_files[loaded.case.id] = loaded
    project.case_stems = {p.name.rsplit(".", 1)[0] for p in paths}


def _load_studies(project: Project, checks: _RecordChecks) -> None:
    """Study files are optional: a project without a studies folder has none."""
    for check in checks.checks("study"):
        project.problems.extend(check.problems)
        loaded = check.loaded
        if isinstance(loaded, StudyFile) and _accept(project, check, project.study_files):
            project.studies[loaded.study.id] = loaded.study
            project.study_files[loaded.study.id] = loaded
    project.study_stems = {p.name.rsplit(".", 1)[0] for p in checks.paths["study"]}


def _accept(project: Project, check: RecordCheck, seen: dict[str, CaseFile] | dict[str, StudyFile]) -> bool:
    """Cross-checks of one loaded record (a unique id, a known indication), then its own problems once accepted."""
    loaded = check.loaded
    assert loaded is not None
    record, display = loaded.record, loaded.display
    if record.id in seen:
        pos = loaded.located.position(("id",))
        project.problems.append(Problem(display, *pos, Severity.error, "id", f"duplicate id '{record.id}', also used by {seen[record.id].display}"))
        return False
    if record.indication not in project.indications:
        known = ", ".join(sorted(project.indications)) or "none declared in content/indications/"
        pos = loaded.located.position(("indication",))
        hint = suggest(record.indication, sorted(project.indications)) or "declare a new one with 'site-builder new-indication'"
        project.problems.append(
            Problem(display, *pos, Severity.error, "indication", with_hint(f"unknown indication '{record.indication}' (known: {known})", hint))
        )
    project.problems.extend(check.own)
    return True


REGISTRY = "published-ids.txt"


def read_registry(folder: Path) -> list[tuple[int, str]]:
    """The ids listed in cases/published-ids.txt with their line numbers (comments and blank lines skipped)."""
    path = folder / REGISTRY
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]


def register(folder: Path, case_id: str) -> None:
    """Add an id to cases/published-ids.txt (when the project keeps one) so that its URL is protected."""
    path = folder / REGISTRY
    if path.is_file() and case_id not in {ident for _, ident in read_registry(folder)}:
        text = path.read_text(encoding="utf-8")
        path.write_text(text + ("" if text.endswith("\n") or not text else "\n") + case_id + "\n", encoding="utf-8")


def _check_published(project: Project) -> None:
    """A published id keeps its case file: deleting it would turn its URL into a 404.

    Drafts are not registered, so deleting an abandoned draft is fine; 'site-builder publish' registers an id.
    """
    folder = project.paths.root / project.paths.cases
    path = folder / REGISTRY
    if not path.is_file():
        return
    display = project.paths.display(path)
    registered = read_registry(folder)
    cases = project.paths.cases
    for line, ident in registered:
        if ident not in project.case_stems:
            project.problems.append(
                Problem(display, line, 1, Severity.error, ident,
                        f"published case '{ident}' has no case file; its URL must keep working: restore the file and mark it withdrawn instead "
                        f"(git restore {cases}/{ident}.yaml, then site-builder withdraw {ident} --reason \"...\")")
            )


def _check_published_studies(project: Project) -> None:
    """A published study id keeps its study file, as for cases."""
    folder = project.paths.root / project.paths.studies
    if not (folder / REGISTRY).is_file():
        return
    display = project.paths.display(folder / REGISTRY)
    for line, ident in read_registry(folder):
        if ident not in project.study_stems:
            project.problems.append(
                Problem(display, line, 1, Severity.error, ident,
                        f"published study '{ident}' has no study file; its URL must keep working: restore the file and mark it withdrawn instead "
                        f"(git restore {project.paths.studies}/{ident}.yaml, then site-builder withdraw {ident} --reason \"...\")")
            )


def _check_text(project: Project, text: str, display: str, field_name: str, at: tuple[int, int], in_body: bool) -> None:
    """Report malformed spans and unknown keys in one text; positions are exact for page bodies."""

    def position(offset: int) -> tuple[int, int]:
        if not in_body:
            return at
        line, column = offset_to_position(text, offset)
        return (at[0] + line - 1, column)

    try:
        citations = find_citations(text)
    except CitationSyntaxError as exc:
        project.problems.append(Problem(display, *position(exc.offset), Severity.error, field_name, str(exc)))
        return
    for citation in citations:
        for key in citation.keys:
            if key not in project.references:
                project.problems.append(Problem(display, *position(citation.start), Severity.error, field_name, _unknown_key(project, key)))


def _unknown_key(project: Project, key: str) -> str:
    """An unknown citation key, with the nearest keys of the bibliography."""
    hint = suggest(key, sorted(project.references)) or f"add the source's BibTeX entry to {project.paths.bibliography} first"
    return with_hint(f"unknown citation key '{key}' (not in {project.paths.bibliography})", hint)


def _check_citations(project: Project) -> None:
    if not project.references and project.errors:
        return  # the bibliography itself failed; unknown keys would only repeat that
    for loaded in project.record_files:
        for cited in loaded.cited:
            if isinstance(cited, Problem):
                project.problems.append(cited)
            elif cited.key not in project.references:
                project.problems.append(Problem(loaded.display, *cited.position, Severity.error, cited.field, _unknown_key(project, cited.key)))
    for page in project.pages.values():
        if project.checks(project.paths.root / project.paths.content / page.path):
            _check_text(project, page.body, page.display, "body", (page.body_line, 1), in_body=True)
    for indication in project.indications.values():
        if not project.checks(project.paths.root / project.paths.content / indication.path):
            continue
        for i, key in enumerate(indication.literature):
            if key not in project.references:
                page = project.pages[indication.path]
                pos = page.located.position(("literature", i)) if page.located else (1, 1)
                project.problems.append(
                    Problem(page.display, pos[0] + 1, pos[1], Severity.error, f"front matter.literature[{i}]", _unknown_key(project, key))
                )
