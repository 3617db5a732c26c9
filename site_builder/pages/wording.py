"""Words for readers: counts as words, plurals, and the names of things the schema stores as slugs.

Each returns plain text, which the templates escape like any other value."""

from __future__ import annotations

from site_builder.records.model import Indication

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
PROCEDURE_NAMES = {
    "microneedling": "Microneedling",
    "ablative-fractional-laser": "Ablative fractional laser",
    "laser": "Laser",
    "peel": "Chemical peel",
    "injection": "Injection",
    "other": "Other procedure",
}


def words(value: int) -> str:
    """A count as words up to twelve, as style guides ask, and in digits above."""
    return NUMBER_WORDS[value] if 0 <= value < len(NUMBER_WORDS) else f"{value:,}"


def plural(noun: str, count: int) -> str:
    """'report' for one, 'reports' otherwise; nouns ending in 'series' or 'y' follow English."""
    if count == 1 or noun.endswith("series"):
        return noun
    if noun.endswith("y") and not noun.endswith(("ay", "ey", "oy")):
        return noun[:-1] + "ies"
    return noun + "s"


def upper_first(text: str) -> str:
    """The first letter in upper case and the rest as written (Jinja's capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def indication_name(indication: Indication) -> str:
    """'Melasma (brown patches on the face)', without repeating a title that the plain name already starts with."""
    title, plain = indication.title, indication.plain_name
    return plain if plain.lower().startswith(title.lower()) else f"{title} ({plain})"


def procedure_name(kind: str) -> str:
    """'Ablative fractional laser' for the slug 'ablative-fractional-laser'."""
    return PROCEDURE_NAMES.get(kind, upper_first(kind.replace("-", " ")))
