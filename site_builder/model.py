"""Typed records: the case schema (one source of truth), indications, references, problems."""

from __future__ import annotations

import re
import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)

Markdown = Annotated[
    str,
    Field(
        min_length=1,
        description="Markdown text in our own words. Cite with Pandoc syntax: [@key], [@a; @b], [@key, p. 4].",
    ),
]


class Record(BaseModel):
    """Base for every part of a case file: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Sex(str, Enum):
    female = "female"
    male = "male"
    not_reported = "not-reported"


class AssessedBy(str, Enum):
    clinician = "clinician"
    patient = "patient"
    clinician_and_patient = "clinician-and-patient"
    photographs = "photographs"
    not_reported = "not-reported"


class AdverseEventStatus(str, Enum):
    none_reported = "none-reported"
    reported = "reported"
    not_stated = "not-stated"


class ComparatorKind(str, Enum):
    untreated = "untreated"
    emollient = "emollient"
    vehicle = "vehicle"
    other = "other"


class FactGroup(str, Enum):
    """The parts of a case that a source locator can back."""

    patient = "patient"
    presentation = "presentation"
    history = "history"
    prior_treatments = "prior_treatments"
    diagnosis = "diagnosis"
    intervention = "intervention"
    comparator = "comparator"
    timeline = "timeline"
    outcomes = "outcomes"
    adverse_events = "adverse_events"
    follow_up = "follow_up"
    figures = "figures"
    learning_points = "learning_points"
    consent = "consent"


class Patient(Record):
    """De-identified demographics: an age in years or an age band, never a date of birth."""

    age: int | None = Field(None, ge=0, le=89, description="Age in years at presentation (0-89); older patients use age_band '90+'.", examples=[21])
    age_band: str | None = Field(None, pattern=r"^(\d{1,2}-\d{1,2}|90\+)$", description="Age band when the exact age is not given or must not be shown.", examples=["20-29", "90+"])
    sex: Sex = Field(description="Sex as reported by the source.", examples=["female"])
    skin_type: Literal["I", "II", "III", "IV", "V", "VI"] | None = Field(None, description="Fitzpatrick skin type, when the source gives it.", examples=["III"])

    @model_validator(mode="after")
    def _age_or_band(self) -> Patient:
        if self.age is None and self.age_band is None:
            raise ValueError("give either age (years) or age_band")
        return self


class Summary(Record):
    """Two summaries of the case: one for patients, one for clinicians."""

    plain_language: Markdown = Field(description="Two to four short sentences a patient can read (aim for school grade 8 or below).", examples=["A young woman with eczema on both hands put the rose-exosome product on one hand for two weeks."])
    clinician: Markdown = Field(description="One paragraph for clinicians: presentation, intervention, outcome, with citations.", examples=["21-year-old woman with lichenified hand eczema; split-hand comparison against emollient [@majewska2025efficacy]."])


class Product(Record):
    """The product applied."""

    name: str = Field(min_length=1, description="Product name as given by the source.", examples=["ASCEplus Derma Signal Kit/SRLV"])
    manufacturer: str | None = Field(None, description="Manufacturer and country.", examples=["ExoCoBio Inc., Seoul, South Korea"])
    route: Literal["topical", "intradermal", "other"] = Field("topical", description="How it was given.", examples=["topical"])


class Regimen(Record):
    """How often, for how long and how much of the product was used."""

    frequency: str | None = Field(None, description="How often it was applied, as the source says.", examples=["twice daily"])
    duration_days: float | None = Field(None, gt=0, description="Length of use in days.", examples=[14])
    amount_ml: float | None = Field(None, gt=0, description="Total volume of reconstituted product used, in mL.", examples=[15])
    amount_mg: float | None = Field(None, gt=0, description="Total lyophilised product used, in mg.", examples=[20])
    description: Markdown | None = Field(None, description="The regimen in words, with anything the fields above cannot hold.", examples=["Two layers at the start, then twice a day at home [@majewska2025efficacy]."])


class ProcedureSettings(Record):
    """Device settings of a combined procedure; only what the source gives."""

    depth_mm: str | None = Field(None, description="Microneedling depth in mm; a range is written '1-1.5'.", examples=["0.5", "1-1.5"])
    passes: int | None = Field(None, ge=1, description="Passes over the treated area.", examples=[3])
    energy: str | None = Field(None, description="Laser energy or fluence with its unit, exactly as printed.", examples=["1900 J"])
    wavelength_nm: float | None = Field(None, gt=0, description="Laser wavelength in nm.", examples=[2940])
    other: str | None = Field(None, description="Any other setting, as printed.", examples=["spot size 5 mm"])


class Procedure(Record):
    """A procedure combined with the product (microneedling, laser, ...)."""

    type: Literal["microneedling", "ablative-fractional-laser", "laser", "peel", "injection", "other"] = Field(description="Kind of procedure.", examples=["microneedling"])
    device: str | None = Field(None, description="Device and maker, as given.", examples=["Dermapen (DermapenWorld, Australia)"])
    sessions: int | None = Field(None, ge=1, description="Number of sessions.", examples=[2])
    interval: str | None = Field(None, description="Time between sessions.", examples=["7 days"])
    settings: ProcedureSettings | None = Field(None, description="Device settings.", examples=[{"depth_mm": "1-1.5", "passes": 3}])
    description: Markdown | None = Field(None, description="The procedure in words.", examples=["Two sessions one week apart, the product applied after each [@majewska2025efficacy]."])


class Intervention(Record):
    """What was done: the product, its regimen, and any combined procedures."""

    summary: str = Field(min_length=1, max_length=200, description="The intervention in one line, for case cards and tables.", examples=["RSCE product on the left hand twice daily for 2 weeks"])
    product: Product = Field(description="The product used.", examples=[{"name": "ASCEplus Derma Signal Kit/SRLV", "route": "topical"}])
    regimen: Regimen = Field(description="How it was used.", examples=[{"frequency": "twice daily", "duration_days": 14}])
    combined_procedures: list[Procedure] = Field(default_factory=list, description="Procedures done together with the product.", examples=[[{"type": "microneedling", "sessions": 2, "interval": "7 days"}]])


class Comparator(Record):
    """A within-patient comparison (for example one hand treated, the other not)."""

    kind: ComparatorKind = Field(description="What the comparison side received.", examples=["emollient"])
    description: Markdown = Field(description="Which side received what.", examples=["Right hand: the patient's usual emollient."])
    result: Markdown | None = Field(None, description="What happened on the comparison side.", examples=["The right hand did not change [@majewska2025efficacy]."])


class TimelineEvent(Record):
    """One event on a relative timeline (days or weeks from the timeline's origin; never a calendar date)."""

    day: float | None = Field(None, description="Day relative to the origin (0 = origin, negative = before).", examples=[0, 12])
    week: float | None = Field(None, description="Week relative to the origin, when the source counts in weeks.", examples=[6])
    event: Markdown = Field(description="What happened.", examples=["Photograph of the treated hand showing fewer symptoms (Figure 1C)."])

    @model_validator(mode="after")
    def _one_time(self) -> TimelineEvent:
        if (self.day is None) == (self.week is None):
            raise ValueError("give exactly one of day or week")
        return self


class Timeline(Record):
    """The course of the case in relative time."""

    origin: str = Field(min_length=1, description="What day 0 is.", examples=["first application of the product"])
    events: list[TimelineEvent] = Field(min_length=1, description="Events in order.", examples=[[{"day": 0, "event": "First application."}, {"week": 6, "event": "Last contact."}]])


class Outcome(Record):
    """One observed change, when it was seen and who judged it."""

    description: Markdown = Field(description="What changed.", examples=["Itching stopped on the treated hand."])
    timepoint: str | None = Field(None, description="When, relative to treatment start.", examples=["day 12", "12 weeks after the first procedure"])
    assessed_by: AssessedBy = Field(description="Who judged the change.", examples=["patient"])
    key: bool = Field(False, description="The case's key outcome, shown on its case card (at most one).", examples=[True])


class AdverseEvents(Record):
    """Harms: state 'none-reported' only when the source says there were none."""

    status: AdverseEventStatus = Field(description="none-reported (the source says none), reported, or not-stated (the source is silent).", examples=["none-reported"])
    description: Markdown | None = Field(None, description="What the source says about harms or tolerance.", examples=["The authors report no adverse effects [@majewska2025efficacy]."])


class FollowUp(Record):
    """How long the patient was followed after treatment started."""

    duration_weeks: float | None = Field(None, gt=0, description="Length of follow-up in weeks.", examples=[6])
    description: Markdown | None = Field(None, description="Follow-up in words.", examples=["Last contact after 6 weeks, when the effect was maintained [@majewska2025efficacy]."])


class ImageConsent(Record):
    """Attestation that consent covers publishing this image; the consent document stays out of the repository."""

    held_by: str = Field(min_length=1, description="Who holds the signed consent.", examples=["the treating clinic"])
    covers_internet_publication: bool = Field(description="The consent covers publication on the internet.", examples=[True])
    identifiable: bool = Field(False, description="The image can identify the patient (face, tattoo).", examples=[False])
    form_version: str | None = Field(None, description="Version of the consent form.", examples=["2.1"])
    year: int | None = Field(None, ge=1900, le=2100, description="Year consent was given.", examples=[2024])


class Figure(Record):
    """A figure of the source, described in our own words."""

    label: str = Field(min_length=1, description="The figure's label in the source.", examples=["Figure 1C"])
    caption: Markdown = Field(description="What the figure shows, in our own words.", examples=["Both hands with atopic dermatitis before treatment."])
    timepoint: str | None = Field(None, description="When it was taken, relative to treatment.", examples=["day 12"])
    image: str | None = Field(None, description="Path of the image inside the case's folder (optional).", examples=["figure-1a.jpg"])
    consent: ImageConsent | None = Field(None, description="Required when image is given.", examples=[{"held_by": "the authors of the source publication", "covers_internet_publication": True, "identifiable": False}])

    @model_validator(mode="after")
    def _image_needs_consent(self) -> Figure:
        if self.image is not None and self.consent is None:
            raise ValueError("an image needs a consent attestation")
        return self


class Readings(Record):
    """One reading of a fact that the source states in more than one way."""

    text: str = Field(min_length=1, description="What this part of the source says.", examples=["The product was used for 2 weeks."])
    locator: str = Field(min_length=1, description="Where it says it.", examples=["Section 2.3.1", "Table 2, row 3"])


class EditorialNote(Record):
    """Where the source disagrees with itself: both readings and where each stands."""

    topic: str = Field(min_length=1, description="Which fact is affected.", examples=["application frequency"])
    readings: list[Readings] = Field(min_length=1, description="Each reading with its locator (two or more for a contradiction).", examples=[[{"text": "Used for 2 weeks.", "locator": "Section 2.1"}, {"text": "Used for 3 weeks.", "locator": "Table 2, row 1"}]])
    note: Markdown = Field(description="What we did about it.", examples=["We follow the text, which the figures support."])


class Consent(Record):
    """Attestation of the patient's consent; the consent document itself never enters the repository."""

    held_by: str = Field(min_length=1, description="Who holds the signed consent.", examples=["the authors of the source publication"])
    scope: str = Field(min_length=1, description="What the consent covers, as the source states.", examples=["the procedure and publication of images"])
    form_version: str | None = Field(None, description="Version of the consent form, when known.", examples=["2.1"])
    year: int | None = Field(None, ge=1900, le=2100, description="Year consent was given, when known.", examples=[2024])


class AllowEntry(Record):
    """A reviewed exception to the privacy screen: the exact text that is not identifying, and why."""

    field: str = Field(min_length=1, description="Field path the text stands in.", examples=["intervention.product.manufacturer"])
    text: str = Field(min_length=1, description="The exact text the screen flagged.", examples=["Seoul"])
    reason: str = Field(min_length=10, description="Why this is not identifying (reviewed in the pull request).", examples=["The manufacturer's city, not the patient's address."])


class Review(Record):
    """Editorial review of the case page (site metadata, not patient data)."""

    last_reviewed: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Date of the last editorial review (YYYY-MM-DD).", examples=["2026-11-26"])
    reviewed_by: str = Field(min_length=1, description="Who reviewed the page (a role or editor name, never the patient).", examples=["site_builder editorial team"])
    next_review: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="When the page is due for review (YYYY-MM-DD).", examples=["2027-05-26"])


class Withdrawal(Record):
    """A withdrawn case keeps its URL as a tombstone page that says why and when."""

    date: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="When the case was withdrawn from the site (YYYY-MM or YYYY-MM-DD).", examples=["2026-11"])
    reason: Markdown = Field(description="Why it was withdrawn.", examples=["The source publication was retracted."])


class Source(Record):
    """Where the facts come from: a citation key plus locators for each fact group."""

    citation: str = Field(min_length=1, description="Key of the source in references.bib.", examples=["majewska2025efficacy"])
    case_label: str | None = Field(None, description="How the source names this case.", examples=["Case 1 (Table 2); Section 2.1"])
    locators: dict[FactGroup, list[str]] = Field(description="Per fact group, the sections, table rows and figures it comes from.", examples=[{"intervention": ["Section 2.1", "Table 2, row 1"]}])


class Tags(Record):
    """Tags for navigation and search."""

    procedures: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] = Field(default_factory=list, description="Procedure slugs.", examples=[["microneedling"]])
    body_sites: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] = Field(default_factory=list, description="Body-site slugs.", examples=[["hands"]])


class Case(Record):
    """One clinical case, following the CARE case-report checklist where the source has the data."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        title="site_builder case record",
        json_schema_extra={"$id": "https://site-builder.invalid/schema/case.schema.json"},
    )

    schema_version: Literal[1] = Field(description="Version of this schema.", examples=[1])
    id: str = Field(pattern=SLUG_PATTERN, max_length=80, description="Lowercase slug, equal to the file name; becomes the URL and never changes.", examples=["majewska2025-01-atopic-dermatitis"])
    title: str = Field(min_length=1, max_length=160, description="Short descriptive title (no names, no dates).", examples=["Hand eczema treated on one hand"])
    indication: str = Field(pattern=SLUG_PATTERN, description="Primary indication id, declared in content/indications/.", examples=["atopic-dermatitis"])
    tags: Tags = Field(default_factory=Tags, description="Procedures and body sites.", examples=[{"procedures": ["topical-application"], "body_sites": ["hands"]}])
    summary: Summary = Field(description="Plain-language and clinician summaries.", examples=[{"plain_language": "A young woman put the product on one hand for two weeks. The itch got better on that hand.", "clinician": "Split-hand comparison against emollient in hand eczema [@majewska2025efficacy]."}])
    patient: Patient = Field(description="De-identified demographics.", examples=[{"age": 21, "sex": "female"}, {"age_band": "90+", "sex": "male", "skin_type": "III"}])
    presentation: Markdown = Field(description="Presenting complaint and findings.", examples=["Itchy, thickened eczema on the backs of both hands, worse on the left [@majewska2025efficacy]."])
    history: Markdown | None = Field(None, description="Relevant medical history.", examples=["Atopic dermatitis since early childhood [@majewska2025efficacy]."])
    prior_treatments: list[Markdown] = Field(default_factory=list, description="Treatments before this intervention.", examples=[["Topical glucocorticosteroids during flares [@majewska2025efficacy]."]])
    diagnosis: Markdown = Field(description="Diagnosis as stated by the source.", examples=["Atopic dermatitis with eczema of the backs of both hands [@majewska2025efficacy]."])
    intervention: Intervention = Field(description="What was done.", examples=[{"summary": "Product on the left hand twice daily for 2 weeks", "product": {"name": "ASCEplus Derma Signal Kit/SRLV"}, "regimen": {"frequency": "twice daily", "duration_days": 14}}])
    comparator: Comparator | None = Field(None, description="A within-patient comparison, when there is one.", examples=[{"kind": "emollient", "description": "Right hand, the usual emollient [@majewska2025efficacy]."}])
    timeline: Timeline = Field(description="The course in relative time.", examples=[{"origin": "first application of the product", "events": [{"day": 0, "event": "First application."}]}])
    outcomes: list[Outcome] = Field(min_length=1, description="What changed, when, and who judged it.", examples=[[{"description": "Itching stopped on the treated hand [@majewska2025efficacy].", "timepoint": "day 12", "assessed_by": "patient", "key": True}]])
    adverse_events: AdverseEvents = Field(description="Harms, or an explicit statement that none were reported.", examples=[{"status": "none-reported"}])
    follow_up: FollowUp | None = Field(None, description="Length of follow-up.", examples=[{"duration_weeks": 6}])
    figures: list[Figure] = Field(default_factory=list, description="Figures of the source, in our own words.", examples=[[{"label": "Figure 1A", "caption": "Both hands before treatment.", "timepoint": "before treatment"}]])
    learning_points: list[Markdown] = Field(default_factory=list, description="Lessons, in our own words.", examples=[["The authors suggest the product may calm inflammation [@majewska2025efficacy]."]])
    editorial_notes: list[EditorialNote] = Field(default_factory=list, description="Where the source contradicts itself.", examples=[[{"topic": "length of use", "readings": [{"text": "Used for 2 weeks.", "locator": "Section 2.1"}, {"text": "Used for 3 weeks.", "locator": "Table 2, row 1"}], "note": "We follow the text."}]])
    consent: Consent = Field(description="Consent attestation; a case without one does not build.", examples=[{"held_by": "the authors of the source publication", "scope": "the procedure and the publication of images"}])
    source: Source = Field(description="The source and locators.", examples=[{"citation": "majewska2025efficacy", "locators": {"patient": ["Section 2.1", "Table 2, row 1"]}}])
    review: Review | None = Field(None, description="Editorial review dates; the site-wide defaults apply when absent.", examples=[{"last_reviewed": "2026-11-26", "reviewed_by": "site_builder editorial team"}])
    draft: bool = Field(False, description="A draft is checked but left out of the site until 'site-builder publish ID' publishes it and registers its id.", examples=[True])
    withdrawn: Withdrawal | None = Field(None, description="Set when the case is withdrawn: its page becomes a tombstone.", examples=[{"date": "2026-11", "reason": "The source publication was retracted."}])
    privacy_allowlist: list[AllowEntry] = Field(default_factory=list, description="Reviewed exceptions to the privacy screen, each with a reason.", examples=[[{"field": "intervention.product.manufacturer", "text": "Dr. Example", "reason": "Part of the brand name, not a person in this case."}]])

    @field_validator("outcomes")
    @classmethod
    def _at_most_one_key_outcome(cls, outcomes: list[Outcome]) -> list[Outcome]:
        if sum(o.key for o in outcomes) > 1:
            raise ValueError("at most one outcome may have key: true")
        return outcomes

    @property
    def key_outcome(self) -> Outcome:
        """The outcome flagged key, else the first."""
        return next((o for o in self.outcomes if o.key), self.outcomes[0])


@dataclass(frozen=True)
class Indication:
    """An indication, declared once by a page under content/indications/<id>.md."""

    id: str
    title: str
    plain_name: str
    description: str
    body: str
    path: str
    order: int = 1000
    literature: tuple[str, ...] = ()


@dataclass(frozen=True)
class Name:
    """One author's name split into BibTeX parts."""

    family: str
    given: str = ""
    von: str = ""
    suffix: str = ""
    literal: bool = False  # a corporate author written in braces: {World Health Organization}

    @property
    def is_others(self) -> bool:
        """True for BibTeX's 'and others' (et al.)."""
        return self.family == "others" and not self.given and not self.literal


PREPRINT_SERVERS = ("biorxiv", "medrxiv", "arxiv", "research square", "ssrn", "preprints.org", "chemrxiv")


@dataclass(frozen=True)
class Reference:
    """One bibliography entry, LaTeX decoded to Unicode."""

    key: str
    entry_type: str
    fields: dict[str, str]
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    path: str = ""
    line: int = 0
    raw: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)  # values as written, LaTeX and braces kept

    def get(self, name: str, default: str = "") -> str:
        """A field's value or default."""
        return self.fields.get(name, default)

    @property
    def is_preprint(self) -> bool:
        """Preprints are recognised by pubstate, a known preprint server or the bioRxiv DOI prefix."""
        if self.get("pubstate").lower() == "preprint":
            return True
        venue = " ".join(self.get(f).lower() for f in ("journal", "publisher", "howpublished", "eprinttype"))
        return any(s in venue for s in PREPRINT_SERVERS) or self.get("doi").startswith("10.1101/")


class Severity(str, Enum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in an input file, printable as path:line:column: severity: field: message."""

    path: str
    line: int
    column: int
    severity: Severity = dataclasses.field(compare=False)
    field: str = dataclasses.field(compare=False)
    message: str = dataclasses.field(compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.field or '-'}: {self.message}"
