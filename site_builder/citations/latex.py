"""BibTeX field values as text: LaTeX decoded to Unicode as LaTeX typesets it, and the {protected} parts kept apart.

BibTeX values are LaTeX: `--` is an en dash, a straight `'` is typeset as a right quote, ``` ``x'' ``` as
double quotes, `$\\alpha$` as α, and a brace group at the top level protects its letters from case changes.
pandoc's BibTeX reader (the reference the tests compare with) reads them the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

LATEX_RE = re.compile(r"[\\{}$~%&^_#`']|--")
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category("site-builder", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")])
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=1)
def _parsing_context() -> object:
    """The macros and environments the LaTeX parser knows: LatexWalker builds this anew for every value unless given
    one (0.2 ms each time, most of decoding a value); it only reads it."""
    return latexwalker.get_default_latex_context_db()


def decode(value: str) -> str:
    """The value as Unicode text: LaTeX commands, accents, math and dashes decoded, braces removed, quotes typographic."""
    if not LATEX_RE.search(value):
        return value
    text = re.sub(r"(?<!\\)``", OPEN_QUOTE, value)
    text = re.sub(r"(?<!\\)''", CLOSE_QUOTE, text)
    text = re.sub(r"(?<!\\)`", "\u2018", text)
    text = re.sub(r"(?<!\\)'", "\u2019", text)
    if re.search(r"[\\{}$~%&^_#]|--", text):
        try:
            text = _decoder().latex_to_text(text, latex_context=_parsing_context())
        except (RecursionError, ValueError, IndexError):  # pathological input (50,000 nested braces): kept as typed
            text = re.sub(r"[{}]", "", text)
    return text


def _group_end(text: str, start: int) -> int:
    """Index just after the brace group opening at text[start] (or the end of text when it is not closed)."""
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "\\":
            continue
        if char == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif char == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def runs(value: str) -> list[tuple[str, bool]]:
    """The value as decoded runs of (text, protected): a top-level {group} is protected from case changes.

    A group that belongs to a command (`\\textit{...}`, `\\c{c}`) or starts with one (BibTeX's special
    characters, `{\\'E}`) is not protection; math keeps its letters as written anyway.
    """
    out: list[tuple[str, bool]] = []
    plain: list[str] = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\":
            match = re.match(r"\\(?:[A-Za-z]+\*?|.)\s*", value[i:])
            end = i + (match.end() if match else 1)
            while end < len(value) and value[end] == "{":
                end = _group_end(value, end)
            plain.append(value[i:end])
            i = end
        elif char == "{":
            end = _group_end(value, i)
            inner = value[i + 1 : end - 1] if value[end - 1 : end] == "}" else value[i + 1 : end]
            if inner.startswith("\\") and not inner.startswith("\\textit") and not inner.startswith("\\emph"):
                plain.append(value[i:end])
            else:
                if plain:
                    out.append((decode("".join(plain)), False))
                    plain = []
                out.append((decode(inner), True))
            i = end
        elif char == "$":
            end = value.find("$", i + 1)
            end = len(value) if end < 0 else end + 1
            plain.append(value[i:end])
            i = end
        else:
            plain.append(char)
            i += 1
    if plain:
        out.append((decode("".join(plain)), False))
    return [(text, protected) for text, protected in out if text]

