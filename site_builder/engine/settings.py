"""Read the plugin's options from a project's mkdocs.yml, so the CLI builds exactly what the plugin builds."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml_env_tag import construct_env_tag

from site_builder.engine.config import plugin_config, resolve
from site_builder.project import ProjectPaths

if TYPE_CHECKING:
    from site_builder.pages.site import SiteOptions

PLUGIN_NAME = "site-builder"


class _Tolerant(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does where it matters here: !ENV takes an environment variable's value, or the
    default given after the variables' names, with MkDocs' own constructor (pyyaml_env_tag). Other tags (!!python,
    !relative) are kept as their plain text, or as nothing."""


_Tolerant.add_multi_constructor(
    "", lambda loader, suffix, node: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
)
_Tolerant.add_constructor("!ENV", construct_env_tag)


class ConfigFileError(ValueError):
    """mkdocs.yml (or a file it inherits) cannot be read: the file, the message, where (1-based line and column) and
    the setting concerned ('' for the file as a whole)."""

    def __init__(self, path: Path, message: str, line: int = 1, column: int = 1, field: str = ""):
        super().__init__(message)
        self.line, self.column, self.field, self.path = line, column, field, path


MAX_INHERIT = 100  # files an INHERIT chain may hold (a loop is found before; MkDocs itself would follow one forever)


def read_mkdocs_yml(path: Path, _inheriting: tuple[Path, ...] = ()) -> dict[str, Any]:
    """mkdocs.yml as plain data (!ENV resolved as MkDocs resolves it, other tags kept as text), merged with the file
    its INHERIT names as MkDocs merges them (mergedeep: mappings merged key by key, the rest replaced; the path relative
    to the file's own folder); raises ConfigFileError when a file cannot be read, is not UTF-8 text, not YAML or not a mapping, or when
    INHERIT names no file."""
    data = _read_yaml(path)
    if "INHERIT" not in data:
        return data
    parent = data.pop("INHERIT")

    def error(message: str) -> ConfigFileError:
        return ConfigFileError(path, message, *_value_mark(path, "INHERIT"), field="INHERIT")

    if not isinstance(parent, str) or not parent.strip():
        raise error("expected the path of the configuration file to inherit")
    target = inherited_path(path, parent)
    if not target.is_file():
        raise error(f"the inherited file '{parent}' {'is not a file' if target.exists() else 'does not exist'} at {target}")
    chain = (*_inheriting, path.resolve())
    if target.resolve() in chain:
        raise error(f"'{parent}' makes a loop of inherited files")
    if len(chain) >= MAX_INHERIT:
        raise error(f"'{parent}' makes a chain of more than {MAX_INHERIT} inherited files")
    import mergedeep  # what MkDocs merges an inherited file with (a dependency of MkDocs)

    return mergedeep.merge(read_mkdocs_yml(target, chain), data)


def _value_mark(path: Path, key: str) -> tuple[int, int]:
    """Where a top-level setting's value starts in its file, 1-based (the key, when it has no value); 1:1 when the file
    cannot be composed again. Only asked once a setting is found wrong."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)  # nodes only: any tag will do
    except (OSError, ValueError, yaml.YAMLError, RecursionError):
        return 1, 1
    pairs = node.value if isinstance(node, yaml.MappingNode) else []
    found = [(name, value) for name, value in pairs if isinstance(name, yaml.ScalarNode) and name.value == key]
    if not found:
        return 1, 1
    name, value = found[-1]  # a key given twice: the loader keeps the last
    empty = isinstance(value, yaml.ScalarNode) and value.value == "" and value.style is None  # 'INHERIT:' ('' is a value)
    mark = name.start_mark if empty else value.start_mark
    return mark.line + 1, mark.column + 1


def inherited_path(path: Path, parent: str) -> Path:
    """Where the file an INHERIT names is: relative to the folder of the file that names it, as MkDocs has it."""
    return Path(os.path.normpath(path.parent / parent))


def settings_files(path: Path) -> list[Path]:
    """mkdocs.yml and the files its INHERIT chain names, those that exist, child first (what a preview watches: a
    change to any of them changes the settings)."""
    return [file for file, _ in settings_contents(path)]


def settings_contents(path: Path) -> list[tuple[Path, bytes]]:
    """settings_files, each with its bytes as read once (what a preview fingerprints at every rebuild). A file that
    cannot be read ends the chain."""
    files: list[tuple[Path, bytes]] = []
    while path.is_file() and all(path.resolve() != seen for seen, _ in files) and len(files) < MAX_INHERIT:
        try:
            raw = path.read_bytes()
        except OSError:
            break
        files.append((path.resolve(), raw))
        if b"INHERIT" not in raw:  # most files inherit nothing: not parsed at every rebuild
            break
        try:
            parent = _parse_yaml(path, raw).get("INHERIT")
        except ConfigFileError:
            break
        if not isinstance(parent, str) or not parent.strip():
            break
        path = inherited_path(path, parent)
    return files


def _read_yaml(path: Path) -> dict[str, Any]:
    """One configuration file as a mapping ({} for an empty file, as MkDocs reads it)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    return _parse_yaml(path, raw)


def _parse_yaml(path: Path, raw: bytes) -> dict[str, Any]:
    """_read_yaml, of the bytes read from path."""
    from site_builder.records.yamlsource import YamlError, decode, reader_problem

    try:
        text = decode(raw, limit=len(raw))  # a byte order mark dropped, as YAML drops it: columns count from there
    except YamlError as exc:
        raise ConfigFileError(path, f"{exc.message}; save the file as UTF-8", exc.line or 1, exc.column or 1) from None
    try:
        data = yaml.load(text, Loader=_Tolerant)
    except yaml.reader.ReaderError as exc:
        line, column, message = reader_problem(text, exc, _Tolerant)
        raise ConfigFileError(path, f"invalid YAML: {message}", line, column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        opened = exc.context_mark if exc.context_mark is not None and exc.context_mark is not mark else None
        context = f" ({exc.context} on line {opened.line + 1}, column {opened.column + 1})" if opened is not None and exc.context else ""
        raise ConfigFileError(path, f"invalid YAML: {exc.problem or exc.context}{context}", *((mark.line + 1, mark.column + 1) if mark else (1, 1))) from None
    except yaml.YAMLError as exc:
        raise ConfigFileError(path, f"invalid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise ConfigFileError(path, "invalid YAML: nested too deeply to read") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # a tagged value its constructor cannot make
        raise ConfigFileError(path, f"invalid YAML: a value cannot be read ({' '.join(str(exc).split()) or type(exc).__name__})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigFileError(path, f"the file is not a mapping of settings (name: value lines); it holds a {type(data).__name__}")
    return data


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """This plugin's options as written in mkdocs.yml (empty when listed without options or absent)."""
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):  # MkDocs reads the mapping form too ({name: options}), which an INHERIT merges key by key
        return dict(plugins.get(PLUGIN_NAME) or {})
    for entry in plugins:
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return dict(entry[PLUGIN_NAME] or {})
    return {}


def _setting(config: dict[str, Any], name: str, default: Any) -> Any:
    """A top-level setting, null meaning the default, as MkDocs reads it."""
    value = config.get(name)
    return default if value is None else value


def project_paths(root: Path) -> ProjectPaths:
    """Only the input paths of the project at root (what validation needs); raises ValueError when the options are invalid."""
    config_path = root / "mkdocs.yml"
    config = read_mkdocs_yml(config_path) if config_path.is_file() else {}
    options = plugin_config(plugin_options(config), str(config_path))
    return ProjectPaths(root, options.cases, options.bibliography, _setting(config, "docs_dir", ProjectPaths.content), options.raw_html, options.studies)


def project_settings(root: Path) -> tuple[ProjectPaths, SiteOptions]:
    """Paths and options for the project at root, from its mkdocs.yml when there is one; raises ValueError when invalid."""
    config_path = root / "mkdocs.yml"
    config = read_mkdocs_yml(config_path) if config_path.is_file() else {}
    options = plugin_config(plugin_options(config), str(config_path))
    docs_dir = _setting(config, "docs_dir", ProjectPaths.content)
    paths, site = resolve(options, root, docs_dir, str(_setting(config, "site_name", "")), str(config.get("site_url") or ""))
    from site_builder.pages.headings import style_of_yml  # the engine's settings that shape the HTML we write: links and headings

    site = dataclasses.replace(site, directory_urls=bool(_setting(config, "use_directory_urls", True)), headings=style_of_yml(config.get("markdown_extensions") or []))
    return paths, site


def docs_left_out(root: Path, docs: Path, warn: Callable[[str], None] = lambda message: None) -> dict[str, str]:
    """The files of the docs folder (docs) that `mkdocs build` leaves out, as MkDocs itself decides (its default
    exclusions, exclude_docs, draft_docs, a page that clashes with another), each with 'exclude' or 'draft'. The
    project's mkdocs.yml is read as MkDocs reads it (!ENV, INHERIT), and only exclude_docs and draft_docs are checked:
    the rest of it (a theme folder or plugin not installed here) is the engine's business. Raises ValueError when the
    file or one of those settings is invalid; what MkDocs warns of meanwhile (a page left out for a clash) goes to
    warn. `generate` renders none of these files and keeps them out of the tree the same way."""
    config_path = (root / "mkdocs.yml").resolve()
    if not config_path.is_file() or not docs.is_dir():
        return {}
    import logging
    import tempfile

    from mkdocs.config.defaults import MkDocsConfig  # MkDocs' own reading and checks of these settings
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.structure.files import InclusionLevel, get_files
    from mkdocs.utils.yaml import yaml_load

    try:
        with config_path.open("rb") as file:
            written = yaml_load(file)
    except ConfigurationError as exc:
        raise ValueError(" ".join(str(exc).split())) from None  # one line: path:line:column: error: message
    except (yaml.YAMLError, OSError, ValueError, TypeError, AttributeError, ImportError, RecursionError) as exc:  # MkDocs' own loader
        raise ValueError(f"MkDocs cannot read the file: {' '.join(str(exc).split()) or type(exc).__name__}") from None
    if not isinstance(written, dict):
        raise ValueError("the file is not a mapping of settings")
    docs = docs.resolve()
    config = MkDocsConfig(config_file_path=str(config_path))
    config.load_dict({"site_name": "-", "docs_dir": str(docs), "site_dir": str(Path(tempfile.gettempdir()) / "site-builder-no-site"),
                      **{k: written[k] for k in ("exclude_docs", "draft_docs") if k in written}})
    errors, _ = config.validate()
    if errors:
        raise ValueError("; ".join(f"{name}: {error}" for name, error in errors))

    class Told(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warn(record.getMessage())

    told, logger = Told(logging.WARNING), logging.getLogger("mkdocs")
    logger.addHandler(told)
    try:
        found = {f.src_uri: f.inclusion for f in get_files(config)}
    finally:
        logger.removeHandler(told)
    present = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    return {rel: "draft" if found.get(rel) == InclusionLevel.DRAFT else "exclude" for rel in present
            if rel not in found or not found[rel].is_included()}
