"""Case changes as citeproc (the CSL processor inside pandoc) makes them, ported from its CaseTransform module.

Text is cut into chunks (runs of ASCII letters and digits, runs of other letters and digits, spaces, single
punctuation marks); each chunk is changed according to what came before it: the start, a new sentence (after
. ? ! or : and a space), a word break (space, hyphen, slash, dash) or the last word.
"""

from __future__ import annotations

import re


# Sentence case as pandoc's BibTeX reader applies it to English titles: a word that is
# capitalised (one capital, then lower case) becomes lower case unless it starts the title or a sentence (after . ? !
# or :); words in capitals or mixed case, protected {groups}, and words the title starts with stay as written.
_START, _START_SENTENCE, _AFTER_WORD_END, _AFTER_WORD_CHAR, _AFTER_END_PUNCT, _AFTER_OTHER, _BEFORE_LAST = range(7)
_QUOTES = "\u201c\u201d\u2018"  # pandoc reads ``...'' and `...' as quotes, which do not change the state
_WORD_BREAKS = "-/\u2013\u2014"


def _chunks(text: str) -> list[str]:
    """citeproc's splitUp: runs of ASCII letters/digits, of other letters/digits, of spaces; anything else alone."""

    def kind(c: str) -> object:
        if c.isalnum():
            return "ascii" if c.isascii() else "other"
        return "space" if c.isspace() else object()

    out: list[str] = []
    last: object = None
    for char in text:
        k = kind(char)
        if out and isinstance(k, str) and k == last:
            out[-1] += char
        else:
            out.append(char)
        last = k
    return out


def _capitalised_word(chunk: str) -> bool:
    return chunk[:1].isupper() and all(c.islower() for c in chunk[1:])


def _next_state(state: int, chunk: str) -> int:
    last = chunk[-1:]
    if not last:
        return state
    if last in ".?!:":
        return _AFTER_END_PUNCT
    if last.isalnum():
        return _AFTER_WORD_CHAR
    if last.isspace() and state == _AFTER_END_PUNCT:
        return _START_SENTENCE
    if last.isspace() or last in _WORD_BREAKS:
        return _AFTER_WORD_END
    return _AFTER_OTHER


STOP_WORDS = frozenset(
    "a an and as at but by down for from in into nor of on onto or over so the till to up via with yet about van von de d l".split()
)


def _sentence(state: int, chunk: str) -> str:
    at_start = state in (_START, _START_SENTENCE)
    if _capitalised_word(chunk) and not at_start:
        return chunk.lower()
    if at_start and (_capitalised_word(chunk) or all(c.islower() for c in chunk)):
        return chunk[:1].upper() + chunk[1:].lower()
    return chunk


def _title(state: int, chunk: str) -> str:
    if any(c.isupper() for c in chunk) and any(c.islower() for c in chunk):
        return chunk
    if all(c.isupper() for c in chunk) or not chunk.isascii():
        return chunk
    capital = chunk[:1].upper() + chunk[1:].lower()
    if state in (_START, _START_SENTENCE):
        return capital
    if state == _AFTER_WORD_END and chunk not in STOP_WORDS and len(chunk) > 1:
        return capital
    if state == _BEFORE_LAST and len(chunk) > 1:
        return capital
    return chunk


def sentence_case(parts: list[tuple[str, bool]]) -> str:
    """The runs of a title (text, protected) in sentence case, exactly as pandoc's BibTeX reader makes it."""
    return _transform(parts, _sentence)


def title_case(text: str) -> str:
    """CSL's text-case="title" as citeproc (pandoc) applies it: hyphenated parts capitalised too ("Plant-Derived")."""
    return _transform([(text, False)], _title)


def _transform(parts: list[tuple[str, bool]], rule) -> str:
    inlines: list[tuple[str, bool]] = []  # pandoc's Str/Space items, or a protected span
    for text, protected in parts:
        if protected:
            inlines.append((text, True))
        else:
            inlines.extend((piece, False) for piece in re.split(r"(\s+)", text) if piece)
    last_word = len(inlines) > 1 and not inlines[-1][1] and not any(c.isspace() or c in _WORD_BREAKS for c in inlines[-1][0])
    state, out = _START, []
    for index, (text, protected) in enumerate(inlines):
        if last_word and index == len(inlines) - 1 and state in (_AFTER_WORD_END, _START_SENTENCE, _START):
            state = _BEFORE_LAST
        if protected:
            state = _next_state(state, "".join(text.split()))
            out.append(text)
            continue
        if text.isspace():
            state = _next_state(state, " ")
            out.append(text)
            continue
        for chunk in _chunks(text):
            before = state
            if chunk not in _QUOTES:
                state = _next_state(state, chunk)
            out.append(rule(before, chunk) if chunk.isalnum() else chunk)
    return "".join(out)
