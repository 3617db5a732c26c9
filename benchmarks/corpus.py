"""A deterministic synthetic project: N case files built from the real schema and the real cases, M references.

The corpus is realistic in shape rather than in meaning: every case starts from one of the eight real
cases (the one of its indication where there is one), and every free-text field is rebuilt from the
sentences that the real cases use for that field, to a length close to the original. Indications are
the seven real ones plus synthetic ones (20 in all by default), with a mild skew so that some
indication pages hold many more cases than others. Citations point at each case's own source paper
(a synthetic bibliography entry, as a registry collects cases from many papers), plus now and then
another synthetic or real work. Every case is validated with `site_builder.records.model.Case` before it is
written, so the corpus can only contain what the schema allows.

    python -m benchmarks.corpus OUT_DIR --cases 1000 [--refs M] [--indications 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from site_builder.records.model import Case

REPO = Path(__file__).resolve().parent.parent
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/case.schema.json\n"
REAL_SOURCE = "majewska2025efficacy"
# site_builder reads every input through yamlsource.decode, which refuses files over 1 MiB (MAX_BYTES);
# a synthetic entry is about 320 bytes, so 3,000 of them plus the real 42 make about 0.97 MB.
MAX_DEFAULT_REFS = 3000
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"(])")
CITE_RE = re.compile(r"@majewska2025efficacy\b")

# Conditions a dermatology registry could hold beyond the seven of the real series.
EXTRA_INDICATIONS = [
    ("acne-scars", "Acne scars", "Scars left by acne"),
    ("rosacea", "Rosacea", "Facial redness and bumps"),
    ("psoriasis", "Psoriasis", "Scaly, thickened patches of skin"),
    ("androgenetic-alopecia", "Androgenetic alopecia", "Pattern hair loss"),
    ("vitiligo", "Vitiligo", "Patches of skin losing their colour"),
    ("striae-distensae", "Striae distensae", "Stretch marks"),
    ("keloids", "Keloids", "Raised scars that grow past the wound"),
    ("seborrheic-dermatitis", "Seborrheic dermatitis", "Flaky, red skin on the scalp and face"),
    ("actinic-keratosis", "Actinic keratosis", "Rough patches from sun damage"),
    ("pressure-ulcers", "Pressure ulcers", "Bed sores"),
    ("diabetic-foot-ulcers", "Diabetic foot ulcers", "Slow-healing sores on the feet of people with diabetes"),
    ("post-inflammatory-hyperpigmentation", "Post-inflammatory hyperpigmentation", "Dark marks after skin inflammation"),
    ("radiation-dermatitis", "Radiation dermatitis", "Skin damage from radiotherapy"),
    ("hidradenitis-suppurativa", "Hidradenitis suppurativa", "Painful lumps in skin folds"),
    ("lichen-planus", "Lichen planus", "Itchy purple bumps"),
    ("chronic-hand-eczema", "Chronic hand eczema", "Long-lasting eczema of the hands"),
    ("periorbital-hyperpigmentation", "Periorbital hyperpigmentation", "Dark circles under the eyes"),
]

FAMILY = [
    "Nowak", "Kim", "Lee", "Park", "Garcia", "Smith", "Müller", "Rossi", "Dubois", "Tanaka", "Silva", "Kowalski",
    "Novak", "Jensen", "O'Brien", "van der Berg", "Nguyen", "Chen", "Wang", "Singh", "Patel", "Ivanova", "Haddad",
    "Moreau", "Fischer", "Costa", "Yilmaz", "Okafor", "Andersson", "Horváth",
]
GIVEN = ["A.", "B. K.", "C.", "D. M.", "E.", "F. J.", "G.", "H.", "I. S.", "J.", "K. L.", "L.", "M. A.", "N.", "O.", "P. R."]
TITLE_WORDS = [
    "exosomes", "extracellular vesicles", "wound healing", "skin barrier", "fibroblasts", "collagen", "melanogenesis",
    "inflammation", "microneedling", "fractional laser", "photoaging", "scar remodelling", "keratinocytes",
    "plant-derived vesicles", "topical delivery", "clinical outcomes", "case series", "randomized split-face trial",
    "cosmetic dermatology", "regeneration", "hyperpigmentation", "atopic dermatitis", "burn care", "tolerability",
]
JOURNALS = [
    "Journal of Cosmetic Dermatology", "Dermatologic Surgery", "Skin Research and Technology", "Journal of Dermatological Science",
    "International Journal of Molecular Sciences", "Wound Repair and Regeneration", "Clinical, Cosmetic and Investigational Dermatology",
    "Lasers in Surgery and Medicine", "Journal of Extracellular Vesicles", "Burns", "Experimental Dermatology",
]
FREQUENCIES = [None, "once daily", "twice daily", "twice a day", "three times daily", "every other day", "once weekly", "after each session"]
DURATIONS = [None, 5, 7, 10, 12, 14, 21, 28, 42, 56, 84]
BODY_SITES = ["face", "cheeks", "forehead", "neck", "hands", "forearm", "lower-leg", "scalp", "back", "chest", "feet", "abdomen", "periorbital"]
ASSESSORS = ["clinician", "patient", "clinician-and-patient", "photographs", "not-reported"]
FACT_GROUPS = [
    "patient", "presentation", "history", "prior_treatments", "diagnosis", "intervention", "comparator", "timeline",
    "outcomes", "adverse_events", "follow_up", "figures", "learning_points", "consent",
]


@dataclass(frozen=True)
class Spec:
    """What to generate: N cases (the 8 real ones included), M synthetic references (plus the 42 real ones), I indications, a seed."""

    cases: int
    refs: int | None = None
    indications: int = 20
    seed: int = 7

    @property
    def synthetic_refs(self) -> int:
        """M: by default one source paper per two cases (case series of about two), at least 20 and at most
        MAX_DEFAULT_REFS, so that references.bib stays under site_builder's 1 MiB input limit."""
        return self.refs if self.refs is not None else min(MAX_DEFAULT_REFS, max(20, self.cases // 2))


@dataclass
class Corpus:
    """What was written, for the harness: paths and counts."""

    root: Path
    case_ids: list[str]
    indications: list[str]
    references: int
    case_bytes: int


def _title(indication: str, base: str, number: int) -> str:
    """Indication, the real case's title, and the case number, within the schema's 160 characters."""
    suffix = f" (synthetic case {number})"
    room = 160 - len(indication) - 2 - len(suffix)
    return f"{indication}: {base[:room].rstrip(' ,;')}{suffix}"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.split(" ".join(text.split())) if s.strip()]


class _Pools:
    """Sentences and records of the real cases, per field."""

    def __init__(self, real: list[dict[str, Any]]):
        self.real = real
        self.text: dict[str, list[str]] = defaultdict(list)
        self.events: list[dict[str, Any]] = []
        self.outcomes: list[dict[str, Any]] = []
        self.figures: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.comparators: list[dict[str, Any]] = []
        self.procedures: list[dict[str, Any]] = []
        self.learning: list[str] = []
        self.prior: list[str] = []
        for case in real:
            for name, text in _text_fields(case):
                self.text[name].extend(_sentences(text))
            self.events += case["timeline"]["events"]
            self.outcomes += case["outcomes"]
            self.figures += case.get("figures", [])
            self.notes += case.get("editorial_notes", [])
            self.learning += case.get("learning_points", [])
            self.prior += case.get("prior_treatments", [])
            if case.get("comparator"):
                self.comparators.append(case["comparator"])
            self.procedures += case["intervention"].get("combined_procedures", [])
        self.all_sentences = [s for pool in self.text.values() for s in pool]


def _text_fields(case: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield "summary.plain_language", case["summary"]["plain_language"]
    yield "summary.clinician", case["summary"]["clinician"]
    yield "presentation", case["presentation"]
    if case.get("history"):
        yield "history", case["history"]
    yield "diagnosis", case["diagnosis"]
    if case["intervention"]["regimen"].get("description"):
        yield "regimen", case["intervention"]["regimen"]["description"]
    if case["adverse_events"].get("description"):
        yield "adverse", case["adverse_events"]["description"]
    if case.get("follow_up") and case["follow_up"].get("description"):
        yield "follow_up", case["follow_up"]["description"]


class _Generator:
    def __init__(self, spec: Spec, pools: _Pools, indications: list[tuple[str, str, str]], ref_keys: list[str], real_keys: list[str]):
        self.spec, self.pools, self.indications = spec, pools, indications
        self.ref_keys, self.real_keys = ref_keys, real_keys
        self.by_indication: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for case in pools.real:
            self.by_indication[case["indication"]].append(case)
        # A mild skew: the indication of rank r gets weight 1/sqrt(r).
        self.weights = [1 / (rank**0.5) for rank in range(1, len(indications) + 1)]

    def text(self, rng: random.Random, field: str, like: str | None, source: str, cite: float = 0.35) -> str:
        """A text for field about as long as `like` (or a pool sentence or two), citing this case's source."""
        pool = self.pools.text.get(field) or self.pools.all_sentences
        target = len(like) if like else rng.randint(80, 300)
        target = int(target * rng.uniform(0.6, 1.5))
        out: list[str] = []
        size = 0
        while size < target or not out:
            sentence = rng.choice(pool)
            out.append(sentence)
            size += len(sentence) + 1
        text = " ".join(out)
        text = CITE_RE.sub("@" + source, text)
        if "[@" not in text and rng.random() < cite:
            text = text.rstrip(".") + f" [@{source}]."
        if rng.random() < 0.15:
            other = rng.choice(self.ref_keys) if rng.random() < 0.8 else rng.choice(self.real_keys)
            text = text.rstrip(".") + f" [@{other}; @{source}]."
        return text

    def case(self, number: int) -> dict[str, Any]:
        rng = random.Random(self.spec.seed * 1_000_003 + number)
        indication, title, _plain = rng.choices(self.indications, self.weights)[0]
        base = copy.deepcopy(rng.choice(self.by_indication.get(indication) or self.pools.real))
        source = self.ref_keys[rng.randrange(len(self.ref_keys))] if rng.random() < 0.9 else REAL_SOURCE
        case_id = f"synth{number:05d}-{indication}"[:80].rstrip("-")
        t = lambda field, like=None, cite=0.35: self.text(rng, field, like, source, cite)  # noqa: E731

        case: dict[str, Any] = {
            "schema_version": 1,
            "id": case_id,
            "title": _title(title, base["title"], number),
            "indication": indication,
            "tags": {
                "procedures": base["tags"].get("procedures", []),
                "body_sites": sorted(set(rng.sample(BODY_SITES, rng.randint(1, 3)))),
            },
            "summary": {
                "plain_language": t("summary.plain_language", base["summary"]["plain_language"], cite=0),
                "clinician": t("summary.clinician", base["summary"]["clinician"], cite=1),
            },
            "patient": self.patient(rng),
            "presentation": t("presentation", base["presentation"]),
        }
        if rng.random() < 0.75:
            case["history"] = t("history", base.get("history"))
        if rng.random() < 0.4:
            case["prior_treatments"] = [CITE_RE.sub("@" + source, p) for p in rng.sample(self.pools.prior, rng.randint(1, 3))]
        case["diagnosis"] = t("diagnosis", base["diagnosis"])
        case["intervention"] = self.intervention(rng, base, t)
        if rng.random() < 0.25:
            comparator = copy.deepcopy(rng.choice(self.pools.comparators))
            comparator["description"] = t("comparator", comparator["description"])
            case["comparator"] = comparator
        events = rng.sample(self.pools.events, min(len(self.pools.events), rng.randint(2, 7)))
        events.sort(key=lambda e: e.get("day", (e.get("week") or 0) * 7))
        case["timeline"] = {"origin": base["timeline"]["origin"], "events": events}
        outcomes = copy.deepcopy(rng.sample(self.pools.outcomes, rng.randint(1, 4)))
        for i, outcome in enumerate(outcomes):
            outcome["description"] = CITE_RE.sub("@" + source, outcome["description"])
            outcome["assessed_by"] = rng.choice(ASSESSORS)
            outcome["key"] = i == 0
        case["outcomes"] = outcomes
        case["adverse_events"] = {
            "status": rng.choice(["none-reported", "none-reported", "reported", "not-stated"]),
            "description": t("adverse", base["adverse_events"].get("description")),
        }
        if rng.random() < 0.4:
            case["follow_up"] = {"duration_weeks": rng.choice([2, 4, 6, 8, 12, 24, 52]), "description": t("follow_up")}
        figures = copy.deepcopy(rng.sample(self.pools.figures, rng.randint(0, min(5, len(self.pools.figures)))))
        for i, figure in enumerate(figures):
            figure["label"] = f"Figure {1 + i // 4}{'ABCD'[i % 4]}"
        if figures:
            case["figures"] = figures
        points = [CITE_RE.sub("@" + source, p) for p in rng.sample(self.pools.learning, rng.randint(0, 6))]
        if points:
            case["learning_points"] = points
        notes = rng.sample(self.pools.notes, rng.randint(0, min(4, len(self.pools.notes))))
        if notes:
            case["editorial_notes"] = notes
        case["consent"] = {"source_says": "All patients signed consent to the procedure and to the publication of their images."}
        if rng.random() < 0.3:
            case["review"] = {"last_reviewed": "2026-11-26", "reviewed_by": "site_builder editorial team"}
        locators = {g: [f"Section {rng.randint(2, 4)}.{rng.randint(1, 9)}"] for g in FACT_GROUPS if case.get(g) not in (None, [], {}, "")}
        locators.setdefault("patient", ["Table 1"])
        case["source"] = {"citation": source, "based_on": "full-text", "case_label": f"Case {rng.randint(1, 12)}", "locators": locators}
        Case.model_validate(case)  # the schema is the judge: nothing invalid is ever written
        return case

    def patient(self, rng: random.Random) -> dict[str, Any]:
        patient: dict[str, Any] = {}
        if rng.random() < 0.9:
            patient["age"] = rng.randint(16, 89)
        else:
            decade = rng.randint(2, 8) * 10
            patient["age_band"] = f"{decade}-{decade + 9}"
        patient["sex"] = rng.choices(["female", "male", "not-reported"], [6, 3, 1])[0]
        if rng.random() < 0.3:
            patient["skin_type"] = rng.choice(["I", "II", "III", "IV", "V", "VI"])
        return patient

    def intervention(self, rng: random.Random, base: dict[str, Any], t) -> dict[str, Any]:  # noqa: ANN001
        intervention = copy.deepcopy(base["intervention"])
        regimen: dict[str, Any] = {}
        if frequency := rng.choice(FREQUENCIES):
            regimen["frequency"] = frequency
        if duration := rng.choice(DURATIONS):
            regimen["duration_days"] = duration
        if rng.random() < 0.5:
            regimen["amount_ml"] = rng.choice([2, 5, 10, 15, 20, 30])
        elif rng.random() < 0.3:
            regimen["amount_mg"] = rng.choice([10, 20, 40])
        regimen["description"] = t("regimen", base["intervention"]["regimen"].get("description"))
        intervention["regimen"] = regimen
        procedures = intervention.get("combined_procedures", [])
        if rng.random() < 0.3:
            procedures = copy.deepcopy(rng.sample(self.pools.procedures, 1)) if not procedures and rng.random() < 0.5 else []
        for procedure in procedures:
            if procedure.get("description"):
                procedure["description"] = t("procedure", procedure["description"])
        if procedures:
            intervention["combined_procedures"] = procedures
        else:
            intervention.pop("combined_procedures", None)  # unset: not reported in the source
        return intervention


# --- files ----------------------------------------------------------------------------------------


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Long strings as folded blocks, as the real case files are written."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 and "\n" not in value and not value.endswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _letters(n: int) -> str:
    """0 -> 'aaa', 1 -> 'aab', ...: a unique suffix without digits (long digit runs look like record numbers)."""
    out = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def _ref_key(rng: random.Random, n: int) -> str:
    """A key shaped like the real ones (family name, year, word): 'nowak2013synthbqx'."""
    family = unicodedata.normalize("NFKD", rng.choice(FAMILY)).encode("ascii", "ignore").decode().lower()
    return f"{re.sub(r'[^a-z]', '', family)}{rng.randint(1995, 2026)}synth{_letters(n)}"


def _bib_entry(rng: random.Random, key: str, number: int) -> str:
    authors = " and ".join(f"{rng.choice(FAMILY)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 7)))
    if rng.random() < 0.1:
        authors += " and others"
    words = rng.sample(TITLE_WORDS, rng.randint(3, 6))
    title = f"{words[0].capitalize()} and {words[1]}: {', '.join(words[2:])}"
    year = rng.randint(1995, 2026)
    kind = rng.random()
    if kind < 0.8:
        return (
            f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  journal = {{{rng.choice(JOURNALS)}}},\n"
            f"  year = {{{year}}},\n  volume = {{{rng.randint(1, 80)}}},\n  pages = {{{rng.randint(1, 900)}--{rng.randint(901, 999)}}},\n"
            f"  doi = {{10.5555/synth.{number}}},\n}}\n"
        )
    if kind < 0.87:
        return (
            f"@book{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  publisher = {{Synthetic Medical Press}},\n"
            f"  address = {{Kraków}},\n  year = {{{year}}},\n}}\n"
        )
    if kind < 0.93:
        return (
            f"@inproceedings{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  booktitle = {{Proceedings of the Congress of Dermatology}},\n"
            f"  year = {{{year}}},\n  pages = {{{rng.randint(1, 99)}--{rng.randint(100, 120)}}},\n}}\n"
        )
    if kind < 0.97:
        return (
            f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  journal = {{bioRxiv}},\n  year = {{{year}}},\n"
            f"  doi = {{10.1101/{year}.01.{number}}},\n  pubstate = {{preprint}},\n}}\n"
        )
    return (
        f"@online{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  url = {{https://example.org/synthetic/{number}}},\n"
        f"  urldate = {{2026-01-15}},\n  year = {{{year}}},\n}}\n"
    )


def _indication_page(rng: random.Random, ident: str, title: str, plain: str, order: int, body: str, literature: list[str]) -> str:
    lit = ", ".join(literature)
    return (
        f"---\ntitle: {title}\nplain_name: {plain}\n"
        f'description: "{title}: a synthetic indication of the scale benchmark, with what the literature says."\n'
        f"order: {order}\nliterature: [{lit}]\n---\n{body}"
    )


def _real_cases(repo: Path) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((repo / "cases").glob("*.yaml"))]


def _real_keys(repo: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", (repo / "references.bib").read_text(encoding="utf-8"), re.M)


def make_project(root: Path, spec: Spec, repo: Path = REPO) -> Corpus:
    """Write a complete project (mkdocs.yml, content/, templates/, schema/, cases/, references.bib) into root.

    repo is where the real cases, content, templates and bibliography are read from (the repository, or a
    snapshot of it).
    """
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for folder in ("content", "templates", "schema"):
        if (repo / folder).is_dir():
            shutil.copytree(repo / folder, root / folder)
    shutil.copyfile(repo / "mkdocs.yml", root / "mkdocs.yml")

    rng = random.Random(spec.seed)
    real_keys = _real_keys(repo)
    ref_keys = [_ref_key(rng, n) for n in range(spec.synthetic_refs)]
    bib = (repo / "references.bib").read_text(encoding="utf-8") + "\n% Synthetic entries of the scale benchmark.\n\n"
    bib += "\n".join(_bib_entry(rng, key, n) for n, key in enumerate(ref_keys))
    (root / "references.bib").write_text(bib, encoding="utf-8")

    real_indications = []
    for page in sorted((repo / "content" / "indications").glob("*.md")):
        if page.name == "index.md":
            continue
        meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---", 2)[1])
        real_indications.append((page.stem, meta["title"], meta["plain_name"], page.read_text(encoding="utf-8").split("---", 2)[2]))
    indications = [(i, t, p) for i, t, p, _ in real_indications]
    extra = max(0, spec.indications - len(indications))
    for n in range(extra):
        if n < len(EXTRA_INDICATIONS):
            ident, title, plain = EXTRA_INDICATIONS[n]
        else:
            ident, title, plain = f"synthetic-indication-{n}", f"Synthetic indication {n}", f"Condition number {n}"
        body = rng.choice(real_indications)[3]
        literature = sorted(set(rng.sample(ref_keys, min(3, len(ref_keys))) + rng.sample(real_keys, 2)))
        page = _indication_page(rng, ident, title, plain, 100 + n, body, literature)
        (root / "content" / "indications" / f"{ident}.md").write_text(page, encoding="utf-8")
        indications.append((ident, title, plain))

    generator = _Generator(spec, _Pools(_real_cases(repo)), indications, ref_keys, real_keys)
    cases_dir = root / "cases"
    cases_dir.mkdir()
    ids, size = [], 0
    # The real cases stay in (the content pages link to them); synthetic ones make up the rest of N.
    for path in sorted((repo / "cases").glob("*.yaml")):
        shutil.copyfile(path, cases_dir / path.name)
        ids.append(path.stem)
        size += path.stat().st_size
    for number in range(1, spec.cases - len(ids) + 1):
        case = generator.case(number)
        text = SCHEMA_LINE + yaml.dump(case, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)
        (cases_dir / f"{case['id']}.yaml").write_text(text, encoding="utf-8")
        ids.append(case["id"])
        size += len(text.encode("utf-8"))
    return Corpus(root, ids, [i for i, _, _ in indications], len(real_keys) + len(ref_keys), size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--refs", type=int, default=None, help="synthetic references (default: cases // 2, between 20 and 3,000)")
    parser.add_argument("--indications", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repo", type=Path, default=REPO, help="where to read the real cases, content and templates")
    parser.add_argument("--json", type=Path, help="write a summary of the corpus here")
    args = parser.parse_args(argv)
    corpus = make_project(args.out, Spec(args.cases, args.refs, args.indications, args.seed), args.repo)
    if args.json:
        summary = {"cases": len(corpus.case_ids), "case_ids": corpus.case_ids, "indications": corpus.indications,
                   "references": corpus.references, "case_bytes": corpus.case_bytes}
        args.json.write_text(json.dumps(summary), encoding="utf-8")
    print(
        f"wrote {len(corpus.case_ids)} cases ({corpus.case_bytes / len(corpus.case_ids) / 1024:.1f} KiB each on average), "
        f"{len(corpus.indications)} indications, {corpus.references} references to {corpus.root}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
