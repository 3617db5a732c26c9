"""Typed records: the case schema (one source of truth), indications, references, problems."""

from __future__ import annotations

import re
import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, ValidatorFunctionWrapHandler, WrapSerializer, WrapValidator, field_validator, model_validator

from site_builder.records.evidence import Design, EvidenceLevel, evidence_level

SCHEMA_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
CITATION_KEY_PATTERN = r"^[^\s{}(),=\\#%\"']+$"  # characters BibTeX does not allow in a key

Positive = Annotated[float, Field(gt=0)]
Markdown = Annotated[
    str,
    Field(
        min_length=1,
        description="Markdown text in our own words. Cite with Pandoc syntax: [@key], [@a; @b], [@key, p. 4].",
    ),
]


class Absence(Enum):
    """Why a fact has no value: the source says there was none, the source does not say, or it does not apply.

    Not a str: an absent list or text can never be iterated or printed as if it were a value."""

    not_reported = "not-reported"
    none = "none"
    not_applicable = "not-applicable"

    def __str__(self) -> str:
        return ABSENCE_TEXT[self]


ABSENCE_TEXT = {
    Absence.not_reported: "not reported in the source",
    Absence.none: "none, as the source states",
    Absence.not_applicable: "does not apply",
}


def _absent_or(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if isinstance(value, Absence):
        return value
    if isinstance(value, str) and value in Absence._value2member_map_:
        return Absence(value)
    return handler(value)


def _absence_code(value: Any, handler: SerializerFunctionWrapHandler) -> Any:
    return value.value if isinstance(value, Absence) else handler(value)


class Fact:
    """A fact of the source: Fact[T] holds a T or an Absence; an unset (None) fact is not reported in the source.

    No fact has a default value: what the source does not give is never filled in."""

    def __class_getitem__(cls, kind: Any) -> Any:
        return Annotated[kind, WrapValidator(_absent_or, json_schema_input_type=Union[Absence, kind]), WrapSerializer(_absence_code)]


def is_fact_marker(metadata: Any) -> bool:
    """Whether an Annotated metadata item is the one that makes a type a Fact."""
    return isinstance(metadata, WrapValidator) and metadata.func is _absent_or


def is_reported(value: Any) -> bool:
    """True when a fact holds a value (not None, not an Absence)."""
    return value is not None and not isinstance(value, Absence)


def absence_text(value: Any) -> str:
    """The reader's wording for a fact without a value ('not reported in the source' for None)."""
    return ABSENCE_TEXT[value if isinstance(value, Absence) else Absence.not_reported]


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
    design = "design"
    participants = "participants"
    population = "population"


class Patient(Record):
    """De-identified demographics: an age in years or an age band, never a date of birth; unset facts are not reported."""

    age: Fact[Annotated[int, Field(ge=0, le=89)]] | None = Field(None, description="Age in years at presentation (0-89); older patients use age_band '90+'; not-reported when the source does not say.", examples=[21])
    age_band: str | None = Field(None, pattern=r"^(\d{1,2}-\d{1,2}|90\+)$", description="Age band, instead of age, when the exact age is not given or must not be shown.", examples=["20-29", "90+"])
    sex: Fact[Sex] | None = Field(None, description="Sex as reported by the source.", examples=["female"])
    skin_type: Fact[Literal["I", "II", "III", "IV", "V", "VI"]] | None = Field(None, description="Fitzpatrick skin type.", examples=["III"])



class Summary(Record):
    """Two summaries of the case: one for patients, one for clinicians."""

    plain_language: Markdown = Field(description="Two to four short sentences a patient can read (aim for school grade 8 or below).", examples=["A young woman with eczema on both hands put the rose-exosome product on one hand for two weeks."])
    clinician: Markdown = Field(description="One paragraph for clinicians: presentation, intervention, outcome, with citations.", examples=["21-year-old woman with lichenified hand eczema; split-hand comparison against emollient [@majewska2025efficacy]."])


class Product(Record):
    """The product applied."""

    name: str = Field(min_length=1, description="Product name as given by the source.", examples=["ASCEplus Derma Signal Kit/SRLV"])
    manufacturer: Fact[str] | None = Field(None, description="Manufacturer and country.", examples=["ExoCoBio Inc., Seoul, South Korea"])
    route: Fact[Literal["topical", "intradermal", "other"]] | None = Field(None, description="How it was given (no default: a route the source does not give is not reported).", examples=["topical"])


class Regimen(Record):
    """How often, for how long and how much of the product was used."""

    frequency: Fact[str] | None = Field(None, description="How often it was applied, as the source says.", examples=["twice daily"])
    duration_days: Fact[Positive] | None = Field(None, description="Length of use in days.", examples=[14])
    amount_ml: Fact[Positive] | None = Field(None, description="Total volume of reconstituted product used, in mL.", examples=[15])
    amount_mg: Fact[Positive] | None = Field(None, description="Total lyophilised product used, in mg.", examples=[20])
    description: Markdown | None = Field(None, description="The regimen in words, with anything the fields above cannot hold.", examples=["Two layers at the start, then twice a day at home [@majewska2025efficacy]."])


class ProcedureSettings(Record):
    """Device settings of a combined procedure; only what the source gives."""

    depth_mm: Fact[str] | None = Field(None, description="Microneedling depth in mm; a range is written '1-1.5'.", examples=["0.5", "1-1.5"])
    passes: Fact[Annotated[int, Field(ge=1)]] | None = Field(None, description="Passes over the treated area.", examples=[3])
    energy: Fact[str] | None = Field(None, description="Laser energy or fluence with its unit, exactly as printed.", examples=["1900 J"])
    wavelength_nm: Fact[Positive] | None = Field(None, description="Laser wavelength in nm.", examples=[2940])
    other: str | None = Field(None, description="Any other setting, as printed.", examples=["spot size 5 mm"])


class Procedure(Record):
    """A procedure combined with the product (microneedling, laser, ...)."""

    type: Literal["microneedling", "ablative-fractional-laser", "laser", "peel", "injection", "other"] = Field(description="Kind of procedure.", examples=["microneedling"])
    device: Fact[str] | None = Field(None, description="Device and maker, as given.", examples=["Dermapen (DermapenWorld, Australia)"])
    sessions: Fact[Annotated[int, Field(ge=1)]] | None = Field(None, description="Number of sessions.", examples=[2])
    interval: Fact[str] | None = Field(None, description="Time between sessions.", examples=["7 days"])
    settings: Fact[ProcedureSettings] | None = Field(None, description="Device settings.", examples=[{"depth_mm": "1-1.5", "passes": 3}])
    description: Markdown | None = Field(None, description="The procedure in words.", examples=["Two sessions one week apart, the product applied after each [@majewska2025efficacy]."])


class Intervention(Record):
    """What was done: the product, its regimen, and any combined procedures."""

    summary: str = Field(min_length=1, max_length=200, description="The intervention in one line, for case cards and tables.", examples=["RSCE product on the left hand twice daily for 2 weeks"])
    product: Product = Field(description="The product used.", examples=[{"name": "ASCEplus Derma Signal Kit/SRLV", "route": "topical"}])
    regimen: Regimen = Field(default_factory=Regimen, description="How it was used; each fact the source does not give stays unset.", examples=[{"frequency": "twice daily", "duration_days": 14}])
    combined_procedures: Fact[Annotated[list[Procedure], Field(min_length=1)]] | None = Field(None, description="Procedures done together with the product; none when the source says there were none; unset when it does not say.", examples=[[{"type": "microneedling", "sessions": 2, "interval": "7 days"}], "none"])

    @property
    def procedures(self) -> list[Procedure]:
        """The combined procedures as a list: empty when there were none or the source does not say."""
        return self.combined_procedures if is_reported(self.combined_procedures) else []


class Comparator(Record):
    """A within-patient comparison (for example one hand treated, the other not)."""

    kind: ComparatorKind = Field(description="What the comparison side received.", examples=["emollient"])
    description: Markdown = Field(description="Which side received what.", examples=["Right hand: the patient's usual emollient."])
    result: Fact[Markdown] | None = Field(None, description="What happened on the comparison side.", examples=["The right hand did not change [@majewska2025efficacy]."])


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
    timepoint: Fact[str] | None = Field(None, description="When, relative to treatment start.", examples=["day 12", "12 weeks after the first procedure"])
    assessed_by: Fact[AssessedBy] | None = Field(None, description="Who judged the change.", examples=["patient"])
    key: bool = Field(False, description="The case's key outcome, shown on its case card (at most one).", examples=[True])


class AdverseEvents(Record):
    """Harms: state 'none-reported' only when the source says there were none."""

    status: AdverseEventStatus = Field(description="none-reported (the source says none), reported, or not-stated (the source is silent).", examples=["none-reported"])
    description: Markdown | None = Field(None, description="What the source says about harms or tolerance.", examples=["The authors report no adverse effects [@majewska2025efficacy]."])


class FollowUp(Record):
    """How long the patient was followed after treatment started."""

    duration_weeks: Fact[Positive] | None = Field(None, description="Length of follow-up in weeks.", examples=[6])
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
    timepoint: Fact[str] | None = Field(None, description="When it was taken, relative to treatment.", examples=["day 12"])
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
    """What is known of the patient's consent; the consent document itself never enters the repository.

    A published source: what it says about consent (not-reported is a valid answer). An original, unpublished
    case: who holds the consent and what it covers."""

    source_says: Fact[Markdown] | None = Field(None, description="What the published source says about consent, in our own words, or not-reported when it says nothing.", examples=["All patients signed consent to the procedure and to the publication of their images.", "not-reported"])
    held_by: str | None = Field(None, min_length=1, description="Who holds the signed consent (required for an unpublished case).", examples=["the treating clinic"])
    scope: str | None = Field(None, min_length=1, description="What the consent covers (required for an unpublished case).", examples=["the treatment record and publication of the case on this site"])
    form_version: str | None = Field(None, description="Version of the consent form, when known.", examples=["2.1"])
    year: int | None = Field(None, ge=1900, le=2100, description="Year consent was given, when known.", examples=[2024])


def provenance_problems(record: Case | Any) -> list[tuple[tuple[str, ...], str]]:
    """Rules that follow from what a record is based on, as (field path, message) pairs for the loader to locate."""
    problems: list[tuple[tuple[str, ...], str]] = []
    based_on = record.source.based_on
    consent = record.consent
    if based_on is Provenance.unpublished:
        for name in ("held_by", "scope"):
            if getattr(consent, name) is None:
                problems.append((("consent", name), "required for an unpublished case: who holds the consent and what it covers"))
    elif consent.source_says is None:
        problems.append((("consent", "source_says"), "state what the source says about consent (write not-reported when it says nothing)"))
    if isinstance(record, Case) and record.timeline is None and based_on in (Provenance.full_text, Provenance.unpublished):
        problems.append((("timeline",), f"required for a case based on {based_on.value}: only abstracts and summaries may leave it out"))
    return problems


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


class Provenance(str, Enum):
    """What a record was built from."""

    full_text = "full-text"
    abstract = "abstract"
    congress_abstract = "congress-abstract"
    secondary_summary = "secondary-summary"
    unpublished = "unpublished"


PROVENANCE_TEXT = {
    Provenance.full_text: "based on the full text of the source",
    Provenance.abstract: "based on the abstract only",
    Provenance.congress_abstract: "based on a congress abstract only",
    Provenance.secondary_summary: "based on another paper's summary of it, not on the original",
    Provenance.unpublished: "an original case contributed by the treating clinician: unpublished, not peer-reviewed",
}
UNPUBLISHED_LABEL = "unpublished, not peer-reviewed"


class ReportRole(str, Enum):
    """What kind of report of the work a citation is."""

    journal_article = "journal-article"
    preprint = "preprint"
    congress_abstract = "congress-abstract"
    secondary_summary = "secondary-summary"
    other = "other"


REPORT_ROLE_TEXT = {
    ReportRole.journal_article: "journal article",
    ReportRole.preprint: "preprint (not peer-reviewed)",
    ReportRole.congress_abstract: "congress abstract",
    ReportRole.secondary_summary: "another paper's summary",
    ReportRole.other: "other report",
}


class Consulted(str, Enum):
    """How much of a report the record's authors read."""

    full_text = "full-text"
    abstract = "abstract"
    not_consulted = "not-consulted"


CONSULTED_TEXT = {
    Consulted.full_text: "full text read",
    Consulted.abstract: "abstract only",
    Consulted.not_consulted: "not read for this record",
}


class Report(Record):
    """Another report of the same work (a preprint, a congress abstract, a review's summary of it)."""

    citation: str = Field(pattern=CITATION_KEY_PATTERN, description="Key of the report in references.bib.", examples=["roe2023preprint"])
    role: ReportRole = Field(description="What kind of report it is.", examples=["preprint"])
    consulted: Consulted = Field(description="How much of it was read for this record.", examples=["abstract"])
    locator: str | None = Field(None, description="Where in the report the work is described (for a summary inside another paper).", examples=["Section 3 (Discussion), paragraph citing reference 38"])
    note: Markdown | None = Field(None, description="What this report adds or how it differs, in our own words.", examples=["Gives four or five sessions where the journal article gives five [@roe2023preprint]."])


class Source(Record):
    """Where the facts come from: a citation key plus locators for each fact group."""

    citation: str = Field(min_length=1, description="Key of the source in references.bib (the main report).", examples=["majewska2025efficacy"])
    based_on: Provenance = Field(description="What this record was built from: full-text, abstract, congress-abstract, secondary-summary (another paper's summary), or unpublished (an original case from the treating clinician).", examples=["full-text", "abstract"])
    role: ReportRole | None = Field(None, description="What kind of report the main source is.", examples=["journal-article"])
    consulted: Consulted | None = Field(None, description="How much of the main source was read, when not what based_on says (not-consulted when the record rests on its other reports).", examples=["not-consulted"])
    funding: Fact[str] | None = Field(None, description="What the source says about its funding.", examples=["The authors received no specific funding for this work.", "not-reported"])
    conflicts_of_interest: Fact[str] | None = Field(None, description="What the source says about its authors' conflicts of interest.", examples=["The authors declare no conflicts of interest."])
    reports: list[Report] = Field(default_factory=list, description="Other reports of the same work, each with its role.", examples=[[{"citation": "roe2023preprint", "role": "preprint", "consulted": "abstract"}]])
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
    history: Fact[Markdown] | None = Field(None, description="Relevant medical history.", examples=["Atopic dermatitis since early childhood [@majewska2025efficacy]."])
    prior_treatments: Fact[Annotated[list[Markdown], Field(min_length=1)]] | None = Field(None, description="Treatments before this intervention; none when the source says there were none.", examples=[["Topical glucocorticosteroids during flares [@majewska2025efficacy]."], "none"])
    diagnosis: Markdown = Field(description="Diagnosis as stated by the source.", examples=["Atopic dermatitis with eczema of the backs of both hands [@majewska2025efficacy]."])
    intervention: Intervention = Field(description="What was done.", examples=[{"summary": "Product on the left hand twice daily for 2 weeks", "product": {"name": "ASCEplus Derma Signal Kit/SRLV"}, "regimen": {"frequency": "twice daily", "duration_days": 14}}])
    comparator: Fact[Comparator] | None = Field(None, description="A within-patient comparison; none when the source says there was none.", examples=[{"kind": "emollient", "description": "Right hand, the usual emollient [@majewska2025efficacy]."}])
    timeline: Timeline | None = Field(None, description="The course in relative time; required unless the record is based on an abstract or a summary.", examples=[{"origin": "first application of the product", "events": [{"day": 0, "event": "First application."}]}])
    outcomes: list[Outcome] = Field(min_length=1, description="What changed, when, and who judged it.", examples=[[{"description": "Itching stopped on the treated hand [@majewska2025efficacy].", "timepoint": "day 12", "assessed_by": "patient", "key": True}]])
    adverse_events: Fact[AdverseEvents] | None = Field(None, description="Harms, or the source's statement that there were none.", examples=[{"status": "none-reported"}])
    follow_up: Fact[FollowUp] | None = Field(None, description="Length of follow-up.", examples=[{"duration_weeks": 6}])
    figures: list[Figure] = Field(default_factory=list, description="Figures of the source, in our own words.", examples=[[{"label": "Figure 1A", "caption": "Both hands before treatment.", "timepoint": "before treatment"}]])
    learning_points: list[Markdown] = Field(default_factory=list, description="Lessons, in our own words.", examples=[["The authors suggest the product may calm inflammation [@majewska2025efficacy]."]])
    editorial_notes: list[EditorialNote] = Field(default_factory=list, description="Where the source contradicts itself.", examples=[[{"topic": "length of use", "readings": [{"text": "Used for 2 weeks.", "locator": "Section 2.1"}, {"text": "Used for 3 weeks.", "locator": "Table 2, row 1"}], "note": "We follow the text."}]])
    consent: Consent = Field(description="What the source says about consent; for an unpublished case, who holds it and what it covers.", examples=[{"source_says": "All patients signed consent to the procedure and to the publication of their images."}, {"held_by": "the treating clinic", "scope": "publication of the case on this site"}])
    source: Source = Field(description="The source, what the record is based on, and locators.", examples=[{"citation": "majewska2025efficacy", "based_on": "full-text", "locators": {"patient": ["Section 2.1", "Table 2, row 1"]}}])
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

    @property
    def design(self) -> Design:
        """A case is a single case report, whatever its comparison."""
        return Design.case_report

    @property
    def evidence(self) -> EvidenceLevel:
        """The strength of evidence its design can give."""
        return evidence_level(self.design)

    @property
    def participants(self) -> int:
        """One patient."""
        return 1

    @property
    def unpublished(self) -> bool:
        """An original case from the treating clinician, not a published source."""
        return self.source.based_on is Provenance.unpublished


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
        # A colon or line break in a field path (a key such as 'smith:2020', or a stray key in YAML) would break the
        # one-line 'path:line:column: severity: field: message' form that editors parse: shown as %3A and a space.
        field = " ".join((self.field or "-").replace(":", "%3A").splitlines())
        message = " ".join(self.message.splitlines())
        return f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {field}: {message}"
