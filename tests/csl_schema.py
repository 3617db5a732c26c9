"""A JSON Schema for CSL-JSON input data, built from the CSL 1.0.2 item types and citeproc-py's variable lists."""

from __future__ import annotations

from citeproc import DATES, NAMES, VARIABLES

# CSL 1.0.2 specification, "Appendix III - Types".
TYPES = [
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
    "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical", "personal_communication",
    "post", "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech", "standard",
    "thesis", "treaty", "webpage",
]
NAME = {
    "type": "object",
    "properties": {p: {"type": "string"} for p in ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")},
    "additionalProperties": False,
}
DATE = {
    "type": "object",
    "properties": {
        "date-parts": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": ["integer", "string"]}}},
        "literal": {"type": "string"},
        "raw": {"type": "string"},
    },
    "additionalProperties": False,
}


def csl_data_schema() -> dict:
    """The schema of a CSL-JSON array of items."""
    dashed = lambda names: {n.replace("_", "-") for n in names}  # noqa: E731 - citeproc-py spells CSL names with '_'
    properties: dict = {"id": {"type": ["string", "integer"]}, "type": {"enum": TYPES}, "custom": {"type": "object"}}
    for name in dashed(VARIABLES) - dashed(NAMES) - dashed(DATES):
        properties[name] = {"type": ["string", "integer"]}
    properties.update({n: {"type": "array", "items": NAME} for n in dashed(NAMES)})
    properties.update({n: DATE for n in dashed(DATES)})
    for upper in ("DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID"):
        properties.setdefault(upper, {"type": "string"})
    return {"type": "array", "items": {"type": "object", "required": ["id", "type"], "properties": properties, "additionalProperties": False}}
