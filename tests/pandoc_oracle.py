"""pandoc's citeproc as the reference formatter: it reads the .bib file itself and formats every entry.

pandoc (from pypandoc-binary) is run twice per style: once to format the whole bibliography into pandoc's
JSON AST with `nocite: '@*'`, and once to turn each entry's block into plain text. The citation number that
numeric styles print in the margin (`csl-left-margin`) is dropped: the site prints it as the list's number.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypandoc
from lxml import etree

CSL = "{http://purl.org/net/xbiblio/csl}"
NOCITE_ALL = "---\nnocite: '@*'\n---\n"
MARK = "ZZQENTRYZZQ"


def pandoc_path() -> str:
    """The pandoc binary shipped with pypandoc-binary."""
    return pypandoc.get_pandoc_path()


def version() -> str:
    """pandoc's version line, e.g. 'pandoc 3.9'."""
    return subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]


# CSL 1.0.2 lets <names> omit <name>: the names then take the inherited name options (name-as-sort-order,
# initialize-with, et-al-min, ... on <style>/<bibliography>), followed by any <label>. pandoc 3.9 then prints
# the label first and loses the options ("In, eds.Poe E" for "In: Poe E, Moe A, eds."); given the equivalent
# explicit empty <name/> it prints the entry the style describes. A <names> inside <substitute> inherits its
# parent's <name>, so it is left alone. This is the only change made to the style pandoc is given.
def explicit_name_style(path: Path) -> bytes:
    """The CSL style with an empty <name/> first in every <names> outside <substitute> that has none."""
    tree = etree.parse(str(path))
    for names in tree.iter(f"{CSL}names"):
        inside_substitute = any(a.tag == f"{CSL}substitute" for a in names.iterancestors())
        if names.find(f"{CSL}name") is None and not inside_substitute:
            names.insert(0, etree.Element(f"{CSL}name"))
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


def _drop_margin(node):
    if isinstance(node, dict):
        if node.get("t") == "Span" and "csl-left-margin" in node["c"][0][1]:
            return None
        return {k: _drop_margin(v) for k, v in node.items()}
    if isinstance(node, list):
        return [x for x in (_drop_margin(v) for v in node) if x is not None]
    return node


def _entries(blocks: list) -> list:
    for block in blocks:
        if block.get("t") == "Div":
            ident, classes, _ = block["c"][0]
            if ident.startswith("ref-") and "csl-entry" in classes:
                yield ident.removeprefix("ref-"), block["c"][1]
            else:
                yield from _entries(block["c"][1])


def format_bib(bib: Path, csl: Path) -> dict[str, str]:
    """Plain text of every entry of the .bib file as pandoc's citeproc formats it with the CSL style, by key."""
    run = [pandoc_path(), "--citeproc", f"--bibliography={bib}", f"--csl={csl}", "-f", "markdown"]
    ast = subprocess.run([*run, "-t", "json"], input=NOCITE_ALL, capture_output=True, text=True, check=True)
    if ast.stderr.strip():
        raise RuntimeError(f"pandoc warned: {ast.stderr.strip()}")
    doc = json.loads(ast.stdout)
    keys, blocks = [], []
    for key, content in _entries(doc["blocks"]):
        keys.append(key)
        blocks.append({"t": "Para", "c": [{"t": "Str", "c": MARK}]})
        blocks.extend(_drop_margin(content))
    doc["blocks"] = blocks
    plain = subprocess.run(
        [pandoc_path(), "-f", "json", "-t", "plain", "--wrap=none"], input=json.dumps(doc), capture_output=True, text=True, check=True
    ).stdout
    texts = [" ".join(part.split()) for part in plain.split(MARK)[1:]]
    return dict(zip(keys, texts, strict=True))


def normalise(text: str) -> str:
    """Whitespace collapsed; the only difference the comparison ignores."""
    return " ".join(text.split())


def strip_number(text: str) -> str:
    """Text without a leading citation number, for styles that print it inline."""
    return re.sub(r"^\[?\d+[.\]]?\s+", "", text)
