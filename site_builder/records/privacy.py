"""The privacy screen: identifying details in a case's clinical text, reported as Problems naming the matched text.

The rules follow the HIPAA Safe Harbor list of identifiers (45 CFR 164.514(b)(2)) as far as they can be
recognised in text: dates other than the year, ages above 89, contact details, web addresses, record
numbers, postcodes and names. A false positive is never switched off; it is accepted by a reviewed
`privacy_allowlist` entry naming the exact field and text, and an entry that matches nothing is an error.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from site_builder.records.load import CaseFile, format_field
from site_builder.records.model import Problem, Severity
from site_builder.records.yamlsource import Path as FieldPath
from site_builder.records.yamlsource import Located, strings

# Editorial metadata, not clinical text: never screened (with withdrawn.date and figures[].image).
EDITORIAL_FIELDS = frozenset({"schema_version", "id", "indication", "tags", "source", "review", "privacy_allowlist"})

MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
BIRTH_CONTEXT_RE = re.compile(r"(?:\bborn|\bbirth|\bDOB|\bD\.O\.B\.)\W*(?:on|in)?\s*$", re.I)
HONORIFICS = r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Mister|Doctor|Professor|Herr|Frau|Madame|Mme|Mlle)"
WEEKDAYS = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b\.?"
YEAR = r"(?:1[89]|20)\d{2}"
AGE_WORDS = r"(?:ninety|one[- ]hundred)(?:[- ](?:and[- ])?(?:one|two|three|four|five|six|seven|eight|nine|ten|\w+teen))?"


WS = rb"[\s\x1c-\x1f]"  # what \s matches in ASCII text (bytes patterns leave out \x1c-\x1f)


@dataclass(frozen=True, eq=False)  # told apart by identity: a quick key while a file is scanned
class Hint:
    """A pattern that every text a rule matches also matches, and the same test for ASCII text as bytes with each
    digit written 0 (lowered too when lower), as alternatives that each start with a literal: quicker to scan."""

    pattern: re.Pattern[str]
    quick: tuple[bytes, ...]
    lower: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", tuple(re.compile(alternative) for alternative in self.quick))


@dataclass(frozen=True)
class Rule:
    """One kind of identifier: what it is called, how it is found, and what to write instead."""

    name: str
    pattern: re.Pattern[str]
    advice: str
    accept: Callable[[re.Match[str]], bool] = lambda match: True
    hints: tuple[Hint, ...] = ()  # quick tests that every text the rule can match passes
    finds: Callable[[str], bool] = lambda text: True  # False when no match that accept() takes can be in the text

    def needs(self, text: str) -> bool:
        """False when the rule cannot match in text (each hint is a necessary condition)."""
        return all(hint.pattern.search(text) for hint in self.hints)


def _valid_date(day: str, month: str, year: str) -> bool:
    d, m = int(day), int(month)
    return (1 <= d <= 31 and 1 <= m <= 12) or (1 <= m <= 31 and 1 <= d <= 12)  # day-first or month-first


def _numeric_date(match: re.Match[str]) -> bool:
    first, sep, second, year = match.group("a", "sep", "b", "y")
    if sep == "." and len(year) == 2 and (len(first) < 2 or len(second) < 2):
        return False  # '2.3.10' is a section number; '02.03.10' is a date
    return _valid_date(first, second, year)


def _iso_date(match: re.Match[str]) -> bool:
    year, month, day = (int(match[g]) for g in ("y", "m", "d"))
    return 1800 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _digits(match: re.Match[str]) -> bool:
    count = sum(c.isdigit() for c in match.group())
    return count >= 9 or (match.group().startswith("+") and count >= 8)


def _town_follows(match: re.Match[str]) -> bool:
    town = match["town"]
    return town[0].isupper() and town[1].islower()


def _ages_above_89(match: re.Match[str]) -> bool:
    return all(int(n) > 89 for n in match.group("n", "n2", "n3", "n4") if n)


DIGIT_RUN_RE = re.compile(r"\d+")
AGE_WORD_RE = re.compile(r"[nN][iIıİ][nN][eE][tT]|[hH][uU][nN][dD][rR][eE][dD]|[gG][eE][nN][aA][rR][iIıİ][aA][nN]|[cC][eE][nN][tT][eE][nN][aA][rR]")


def _age_above_89_possible(text: str) -> bool:
    """Whether the age rule can find something in text: each number its matches take is a whole run of two or three
    digits above 89 ('a 39-year-old' has none); its other matches hold one of the words (ninety, hundred,
    nonagenarian, centenarian; 'nineties')."""
    return any(len(run) == 3 or (len(run) == 2 and int(run) > 89) for run in DIGIT_RUN_RE.findall(text)) or AGE_WORD_RE.search(text) is not None


def _by_first_letter(alternatives: Iterable[bytes]) -> tuple[bytes, ...]:
    """Quick alternatives that start with the same letter joined into one (such as b"M(?:r|s|iss)"): one scan instead
    of several, each still from a literal start. A text matches the joined pattern wherever it matches one of them."""
    groups: dict[bytes, list[bytes]] = {}
    for alternative in alternatives:
        assert alternative[:1].isalpha(), alternative
        groups.setdefault(alternative[:1], []).append(alternative[1:])
    return tuple(first + b"(?:" + b"|".join(rests) + b")" for first, rests in groups.items())


# Quick tests that texts without a possible match fail (most clinical prose): each is implied by the rules that use it.
DIGIT_RE = Hint(re.compile(r"\d+"), (rb"0+",))
BORN_RE = Hint(re.compile("born"), (b"born",))
SPACED_YEAR_RE = Hint(re.compile(r"\s\d{4}"), (rb"0000(?<=%s0000)" % WS,))  # a year after a space: not the one in 'smith2024'
SIX_DIGITS_RE = Hint(re.compile(r"\d{6}"), (b"000000",))
ISO_DATE_HINT = Hint(re.compile(r"\d{4}[./-]\d"), (rb"0000[./-]0",))
NUMERIC_DATE_HINT = Hint(re.compile(r"\d[./-]\d\d?[./-]\d\d"), (rb"0[./-]00?[./-]00",))  # a year of two or four digits: not 'Section 2.3.1'
NUMERIC_MONTH_HINT = Hint(re.compile(r"\d[./-]\d{4}|\d{4}[./-]\d"), (rb"0[./-]0000", rb"0000[./-]0"))
SEASON_HINT = Hint(
    re.compile(
        r"[qQ][1-4]|[hH][12]|[qQ][uU][aA][rR][tT][eE][rR]|[sSſ][pP][rR][iIıİ][nN][gG]|[sSſ][uU][mM][mM][eE][rR]"
        r"|[aA][uU][tT][uU][mM][nN]|[fF][aA][lL][lL]|[wW][iIıİ][nN][tT][eE][rR]"
    ),
    (rb"q0(?<!\wq0)", rb"h0(?<!\wh0)", b"quarter", b"spring", b"summer", b"autumn", b"fall", b"winter"),  # Q1 and H1 start a word
    lower=True,
)
DIGIT_GROUPS_RE = Hint(re.compile(r"\d\d[\s.-]\d\d"), (rb"00" + WS[:-1] + rb".-]00",))
# A month or weekday as MONTHS and WEEKDAYS write it: a whole name, or a short one that no letter follows ('Dec', not 'Decreased').
MONTH_RE = Hint(re.compile("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"), _by_first_letter(rb"%s(?:%s)?(?!\w)" % (m[:3].encode(), m[3:].encode()) for m in ("January", "February", "March", "April", "May", "June", "July", "August", "Sept", "September", "October", "November", "December")))
WEEKDAY_RE = Hint(re.compile("Mon|Tue|Wed|Thu|Fri|Sat|Sun"), _by_first_letter((rb"Mon(?:day)?(?!\w)", rb"Tues?(?:day)?(?!\w)", rb"Wed(?:nes)?(?:day)?(?!\w)", rb"Thu(?:rs)?(?:day)?(?!\w)", rb"Fri(?:day)?(?!\w)", rb"Sat(?:ur)?(?:day)?(?!\w)", rb"Sun(?:day)?(?!\w)")))
INITIALS_RE = Hint(re.compile(r"[A-Z]\.\s?[A-Z]\."), (rb"\.(?<=[A-Z]\.)" + WS + rb"?[A-Z]\.",))  # from the '.': a literal start
# Written out case by case: IGNORECASE would match the same (with 'ı', 'İ' and 'ſ') but scans slower.
AGE_HINT_RE = Hint(
    re.compile(
        r"\d[\s-]*[yY]|[gG][eE](?:[dD]|\s+[oO][fF])?\s+\d"
        r"|[nN][iIıİ][nN][eE][tT]|[hH][uU][nN][dD][rR][eE][dD]|[gG][eE][nN][aA][rR][iIıİ][aA][nN]|[cC][eE][nN][tT][eE][nN][aA][rR]|\s9\d'?[sSſ]"
    ),
    (rb"0" + WS[:-1] + rb"-]*y", rb"ge(?:d|" + WS + rb"+of)?" + WS + rb"+0", b"ninet", b"hundred", b"genarian", b"centenar", rb"00s(?<=%s00s)" % WS, rb"00's(?<=%s00's)" % WS),  # the bytes are scanned with every digit written as 0; a
    # decade ('90s') follows a space: the lookbehind keeps the scan for its literal start (a citation key such as 'lee1998s' has none)
    lower=True,
)
EMAIL_HINT_RE = Hint(re.compile(r"@[A-Za-z0-9-]+\."), (rb"@[A-Za-z0-9-]+\.",))
WEB_HINT_RE = Hint(re.compile(r"://|[wW][wW][wW]\."), (b"://", rb"www\."), lower=True)
RECORD_WORD_RE = Hint(
    re.compile(r"MRN|PESEL|NHS\s|ecord\s+n|atient\s+(?:ID|n)|ospital\s+n"),
    (b"MRN", b"PESEL", b"NHS" + WS, b"ecord" + WS + b"+n", b"atient" + WS + b"+(?:ID|n)", b"ospital" + WS + b"+n"),
)
PL_POSTCODE_HINT_RE = Hint(re.compile(r"\d\d-\d\d\d"), (b"00-000",))
UK_POSTCODE_HINT_RE = Hint(re.compile(r"\d[ABD-HJLNP-UW-Z]{2}"), (rb"0[ABD-HJLNP-UW-Z]{2}",))
HONORIFIC_RE = Hint(re.compile(HONORIFICS), _by_first_letter(h.encode() for h in "Mr Ms Mx Miss Dr Prof Mister Doctor Herr Frau Madame Mme Mlle".split()))

AGE_RULE = Rule(
    "age above 89",
    re.compile(
        r"\b(?P<n>\d{2,3})(?:\s*|-)(?:years?|yrs?|y)(?:\s*|-)old\b"
        r"|\b(?:aged|age(?:\s+of)?)\s+(?P<n2>\d{2,3})\b(?!\+)"
        r"|\b(?P<n3>\d{2,3})\s*(?:years?|yrs?)\s+of\s+age\b"
        r"|\b(?P<n4>\d{2,3})\s*(?:yo|y/o|y\.o\.)(?!\w)"
        rf"|\b{AGE_WORDS}[- ]years?[- ]old\b|\b(?:aged|age(?:\s+of)?)\s+{AGE_WORDS}\b|\b{AGE_WORDS}\s+years?\s+of\s+age\b"
        r"|\b(?:nonagenarian|centenarian)s?\b|\b(?:his|her|their)\s+(?:nineties|9\d'?s)\b",
        re.I,
    ),
    "ages above 89 are written as '90+' (patient.age_band: '90+')",
    _ages_above_89,
    hints=(AGE_HINT_RE,),
    finds=_age_above_89_possible,
)
BIRTH_RULE = Rule(
    "date of birth",
    re.compile(rf"\bborn\s+(?:(?:in|on)\s+)?(?:{DAY}\s+(?:of\s+)?{MONTHS}|{MONTHS}(?:\s+{DAY}\b)?)(?:,?\s+\d{{4}}\b)?"),
    "give the age in years (patient.age) or an age band, never a date of birth",
    hints=(BORN_RE,),
)
DATE_ADVICE = "write relative time (Day 12, week 2) or the year only"
PARTIAL_DATE_ADVICE = (
    "a month with its year narrows down who the patient is: write relative time (week 2) or the year only; "
    "a date of the publication rather than the patient is accepted with a privacy_allowlist entry"
)
CONTACT_ADVICE = "remove contact details"
RECORD_ADVICE = "remove record, registration and reference numbers"
RULES: tuple[Rule, ...] = (
    BIRTH_RULE,
    Rule(
        "weekday with a date",
        re.compile(rf"\b{WEEKDAYS},?\s+(?:the\s+)?(?:{DAY}(?:\s+(?:of\s+)?{MONTHS})?|{MONTHS}\s+{DAY})(?:,?\s+\d{{4}})?(?!\w)"),
        DATE_ADVICE,
        hints=(WEEKDAY_RE, DIGIT_RE),
    ),
    Rule(
        "initials with a date",
        re.compile(rf"\b(?:[A-Z]\.\s?){{2,3}}(?=[^\n]{{0,40}}?(?:\b{YEAR}\b|\b{DAY}\s+{MONTHS}|\b{MONTHS}\s+{DAY}\b))"),
        "remove the patient's initials (refer to 'the patient')",
        hints=(INITIALS_RE, DIGIT_RE),
    ),
    Rule(
        "calendar date",
        re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTHS}(?:,?\s+\d{{4}}\b)?|\b{MONTHS}\s+{DAY}\b(?:,?\s+\d{{4}}\b)?"),
        DATE_ADVICE,
        hints=(MONTH_RE, DIGIT_RE),
    ),
    Rule(
        "calendar date",
        re.compile(r"(?<![\w./-])(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\w/-]|\.\d)"),
        DATE_ADVICE,
        _iso_date,
        hints=(ISO_DATE_HINT,),
    ),
    Rule(
        "calendar date",
        re.compile(r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\w/-]|\.\d)"),
        DATE_ADVICE,
        _numeric_date,
        hints=(NUMERIC_DATE_HINT,),
    ),
    Rule(
        "month and year",
        re.compile(rf"\b{MONTHS}\s+(?:of\s+)?{YEAR}\b"),
        PARTIAL_DATE_ADVICE,
        hints=(MONTH_RE, DIGIT_RE),
    ),
    Rule(
        "month and year",
        re.compile(rf"(?<![\w./-])(?:0?[1-9]|1[0-2])[./-]{YEAR}(?![\w/-]|\.\d)|(?<![\w./-]){YEAR}[./-](?:0[1-9]|1[0-2])(?![\w/-]|\.\d)"),
        PARTIAL_DATE_ADVICE,
        hints=(NUMERIC_MONTH_HINT,),
    ),
    Rule(
        "month and year",
        re.compile(
            rf"\b(?:Q[1-4]|(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?|H[12]"
            rf"|(?:early|mid|late)[- ](?:spring|summer|autumn|fall|winter)|spring|summer|autumn|fall|winter)(?:\s+of)?\s+{YEAR}\b",
            re.I,
        ),
        PARTIAL_DATE_ADVICE,
        hints=(SPACED_YEAR_RE, SEASON_HINT),
    ),
    AGE_RULE,
    Rule(
        "e-mail address",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
        CONTACT_ADVICE,
        hints=(EMAIL_HINT_RE,),
    ),
    Rule(
        "web address",
        re.compile(r"\b(?:https?|ftp)://[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?]|\bwww\.[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?]", re.I),
        "clinical text links nowhere: put the source in references.bib and its locators under source.locators",
        hints=(WEB_HINT_RE,),
    ),
    Rule(
        "record number",
        re.compile(
            r"\b(?:MRN|PESEL|NHS\s+(?:number|no\.?)|[Rr]ecord\s+(?:number|no\.?)|[Pp]atient\s+(?:ID|number|no\.?)"
            r"|[Hh]ospital\s+(?:number|no\.?))\s*[:#.]?\s*[A-Z0-9][A-Z0-9/-]{2,}\b"
        ),
        RECORD_ADVICE,
        hints=(RECORD_WORD_RE,),
    ),
    Rule(
        "phone number",
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w])"),
        CONTACT_ADVICE,
        _digits,
        hints=(DIGIT_GROUPS_RE,),
    ),
    Rule(
        "record number",
        re.compile(r"(?<![\d.,])\d{6,}(?![\d])"),
        RECORD_ADVICE,
        hints=(SIX_DIGITS_RE,),
    ),
    Rule(
        "postcode",
        re.compile(r"(?<![\w-])\d{2}-\d{3}\s+(?P<town>[^\W\d_]{3,})"),
        "remove addresses",
        _town_follows,
        hints=(PL_POSTCODE_HINT_RE,),
    ),
    Rule(
        "postcode",
        re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b"),
        "remove addresses",
        hints=(UK_POSTCODE_HINT_RE,),
    ),
    Rule(
        "name",
        re.compile(rf"\b{HONORIFICS}\b\.?\s+(?:[A-Z]\.\s*)*(?P<name>[^\W\d_][\w'’-]*)"),
        "refer to people by their role (the patient, the treating clinician)",
        lambda match: match["name"][0].isupper(),
        hints=(HONORIFIC_RE,),
    ),
)
AGE_BAND_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class Finding:
    """One match of a rule in one field; nth counts earlier matches of the same text in that field."""

    path: FieldPath
    field: str
    text: str
    rule: Rule
    nth: int = 0


def _editorial(path: FieldPath) -> bool:
    if len(path) == 1 and path[0] in EDITORIAL_FIELDS:
        return True
    return path == ("withdrawn", "date") or (len(path) == 3 and path[0] == "figures" and path[2] == "image")


def clinical_text(data: object) -> Iterator[tuple[FieldPath, str]]:
    """Every string of a raw case mapping that is clinical text (not editorial metadata), with its path."""
    return strings(data, _editorial)


def _inside_editorial(path: FieldPath) -> bool:
    """Whether path or one of its ancestors is editorial (what clinical_text leaves out)."""
    first = path[0] if path else None
    return first in EDITORIAL_FIELDS or (first == "withdrawn" and path[1:2] == ("date",)) or (first == "figures" and path[2:3] == ("image",))


def clinical_texts(located: Located) -> list[tuple[FieldPath, str]]:
    """clinical_text of a loaded file, from the strings its loading listed."""
    return [(path, text) for path, text in located.texts if not _inside_editorial(path)]


def _normal(text: str) -> str:
    return " ".join(text.split())


# An original, unpublished case has no journal's de-identification behind it: years and month names are screened too.
STRICT_RULES: tuple[Rule, ...] = (
    Rule(
        "calendar year or month in an unpublished case",
        re.compile(rf"\b(?:19|20)\d{{2}}\b|\b{MONTHS}"),
        "an unpublished case gives no years or months: write relative time (day 12, week 6)",
    ),
)


def possible_rules(text: str, strict: bool = False) -> tuple[Rule, ...]:
    """The rules that can match somewhere in text."""
    return tuple(rule for rule in RULES + (STRICT_RULES if strict else ()) if rule.needs(text))


def find_identifiers(text: str, strict: bool = False, rules: tuple[Rule, ...] | None = None) -> list[tuple[Rule, str]]:
    """Every rule's matches in one text, in order, an earlier rule winning where matches overlap: (rule, matched text).

    strict adds the rules for unpublished cases; rules, when given, are the ones to run (in RULES order)."""
    taken: list[tuple[int, int, Rule, str]] = []
    for rule in possible_rules(text, strict) if rules is None else rules:
        if not rule.finds(text):
            continue
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e, _, _ in taken) or not rule.accept(match):
                continue
            if rule.name == "calendar date" and BIRTH_CONTEXT_RE.search(text[max(0, start - 30) : start]):
                rule = BIRTH_RULE
            taken.append((start, end, rule, _normal(match.group())))
    return [(rule, matched) for _, _, rule, matched in sorted(taken, key=lambda t: t[0])]


DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def rules_per_text(texts: list[str], strict: bool = False) -> list[tuple[Rule, ...]]:
    """For each text, the rules that can match in it (a superset), from a scan per hint over all the texts (after a
    match it goes on from the next text not touched yet).

    A hint that matches inside a text is found by a scan of the joined texts at or before its start, by a match
    that touches that text: so every text a hint matches is among the texts its matches touch. ASCII text is
    scanned as bytes with digits written 0 (and lowered), where each hint starts with a literal: a quick scan."""
    joined = "\n".join(texts)
    starts = list(itertools.accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    every = frozenset(range(len(texts)))
    quick = joined.isascii()
    zeroed = joined.encode("ascii").translate(DIGITS_TO_ZERO) if quick else b""
    lowered = zeroed.lower() if quick else b""
    touched: dict[Hint, frozenset[int]] = {}

    def texts_of(hint: Hint) -> frozenset[int]:
        if hint not in touched:
            found: set[int] = set()
            scans = [(pattern, lowered if hint.lower else zeroed) for pattern in hint.compiled] if quick else [(hint.pattern, joined)]  # type: ignore[attr-defined]
            for pattern, scanned in scans:
                position = 0
                while match := pattern.search(scanned, position):
                    start, end = match.span()
                    first, last = bisect.bisect_right(starts, start) - 1, bisect.bisect_right(starts, end - 1) - 1
                    found.update(range(first, last + 1))
                    # The texts up to the last one touched are found: a match inside any later text is found by a
                    # search from the start of the next one (the leftmost match from there starts inside it at the latest).
                    following = max(first, last) + 1
                    if following >= len(starts):
                        break
                    position = starts[following]
            touched[hint] = frozenset(found)
        return touched[hint]

    chosen: list[list[Rule]] = [[] for _ in texts]
    for rule in RULES + (STRICT_RULES if strict else ()):
        candidates = every
        for hint in rule.hints:
            candidates = candidates & texts_of(hint)
            if not candidates:
                break
        for index in candidates:
            chosen[index].append(rule)
    return [tuple(rules) for rules in chosen]


def _findings(loaded: CaseFile, texts: list[tuple[FieldPath, str]]) -> Iterator[Finding]:
    strict = loaded.record.unpublished
    for (path, text), rules in zip(texts, rules_per_text([text for _, text in texts], strict)):
        seen: dict[str, int] = {}
        for rule, matched in find_identifiers(text, strict, rules) if rules else ():
            yield Finding(path, format_field(path), matched, rule, seen.get(matched, 0))
            seen[matched] = seen.get(matched, 0) + 1
        if path == ("patient", "age_band") and text != "90+" and any(int(n) > 89 for n in AGE_BAND_RE.findall(text)):
            yield Finding(path, format_field(path), text, AGE_RULE)


def screen_case(loaded: CaseFile, source: str | None = None, texts: list[tuple[FieldPath, str]] | None = None) -> list[Problem]:
    """Problems for identifying details in a case's clinical text and for allow-list entries that match nothing.

    Given the file's text, each problem points at the matched text itself rather than at the start of its value.
    """
    allowed = {(entry.field, _normal(entry.text)): i for i, entry in enumerate(loaded.record.privacy_allowlist)}
    used: set[int] = set()
    problems = []
    locate = _Locator(loaded, source)
    for finding in _findings(loaded, clinical_texts(loaded.located) if texts is None else texts):
        entry = allowed.get((finding.field, finding.text))
        if entry is not None:
            used.add(entry)
            continue
        message = (
            f"possible {finding.rule.name} '{finding.text}': {finding.rule.advice}; if it identifies no one, "
            f"add a privacy_allowlist entry with field '{finding.field}', text '{finding.text}' and the reason"
        )
        problems.append(Problem(loaded.display, *locate(finding), Severity.error, finding.field, message))
    for i, entry in enumerate(loaded.record.privacy_allowlist):
        if i not in used:
            message = f"allow-list entry matches nothing the privacy screen flags ('{entry.text}' in {entry.field}); remove it"
            pos = loaded.located.position(("privacy_allowlist", i))
            problems.append(Problem(loaded.display, *pos, Severity.error, f"privacy_allowlist[{i}]", message))
    return problems


class _Locator:
    """Finds where a matched text stands in the file, searching only inside its own value (folded lines allowed)."""

    def __init__(self, loaded: CaseFile, source: str | None):
        self.located = loaded.located
        self.source = source or ""

    @functools.cached_property
    def marks(self) -> list[tuple[int, int]]:
        """Every position of a key or value, in file order (made on the first finding: most cases have none)."""
        return sorted(set(self.located.values.values()) | set(self.located.keys.values()))

    @functools.cached_property
    def line_offsets(self) -> list[int]:
        return [0, *(newline.end() for newline in re.finditer("\n", self.source))]

    def __call__(self, finding: Finding) -> tuple[int, int]:
        start = self.located.position(finding.path)
        if not self.source:
            return start
        following = [mark for mark in self.marks if mark > start]
        begin, end = self._offset(start), (self._offset(following[0]) if following else len(self.source))
        pattern = re.compile(r"\s+".join(re.escape(word) for word in finding.text.split()))
        matches = list(pattern.finditer(self.source, begin, end))
        if len(matches) <= finding.nth:
            return start  # written with escapes the file does not show as-is
        offset = matches[finding.nth].start()
        line = self.source.count("\n", 0, offset) + 1
        return (line, offset - self.line_offsets[line - 1] + 1)

    def _offset(self, position: tuple[int, int]) -> int:
        line, column = position
        return min(self.line_offsets[min(line, len(self.line_offsets)) - 1] + column - 1, len(self.source))
