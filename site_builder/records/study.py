"""The study record: one publication's results for a group of participants (n > 1), outcomes as measured values."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import ConfigDict, Field, field_validator, model_validator

from site_builder.records.evidence import Design, EvidenceLevel, evidence_level
from site_builder.records.model import (
    CITATION_KEY_PATTERN,
    SLUG_PATTERN,
    AdverseEvents,
    AllowEntry,
    Comparator,
    Consent,
    EditorialNote,
    Fact,
    FollowUp,
    Markdown,
    Procedure,
    Product,
    Provenance,
    Record,
    Regimen,
    Review,
    Source,
    Summary,
    Tags,
    Withdrawal,
    is_reported,
)

SkinType = Literal["I", "II", "III", "IV", "V", "VI"]
Count = Annotated[int, Field(ge=0)]


class Spread(Record):
    """The spread of a value: one number (SD, SE) or a low and a high (CI, IQR, range)."""

    kind: Literal["sd", "se", "plus-minus", "ci95", "iqr", "range"] = Field(description="sd, se, plus-minus (a ± the source does not name), ci95 (95% confidence interval), iqr or range.", examples=["sd", "plus-minus"])
    value: float | None = Field(None, ge=0, description="For sd and se: the number.", examples=[10.8])
    low: float | None = Field(None, description="For ci95, iqr and range: the lower end.", examples=[-3.1])
    high: float | None = Field(None, description="For ci95, iqr and range: the upper end.", examples=[12.4])

    @model_validator(mode="after")
    def _shape(self) -> Spread:
        single = self.kind in ("sd", "se", "plus-minus")
        if single and (self.value is None or self.low is not None or self.high is not None):
            raise ValueError(f"kind {self.kind} is one number: give value only")
        if not single and (self.value is not None or self.low is None or self.high is None):
            raise ValueError(f"kind {self.kind} has two ends: give low and high")
        return self


class AgeSummary(Record):
    """The participants' ages as the source summarises them; give what it gives."""

    mean: float | None = Field(None, ge=0, le=120, description="Mean age in years.", examples=[46.64])
    spread: Spread | None = Field(None, description="Spread of the age around the mean (SD, or a ± the source does not name).", examples=[{"kind": "sd", "value": 13.05}])
    median: float | None = Field(None, ge=0, le=120, description="Median age in years.", examples=[44])
    min: float | None = Field(None, ge=0, le=120, description="Youngest participant's age in years.", examples=[23])
    max: float | None = Field(None, ge=0, le=120, description="Oldest participant's age in years (a maximum above 89 is shown as 90+ on pages).", examples=[67])

    @model_validator(mode="after")
    def _something(self) -> AgeSummary:
        if all(v is None for v in (self.mean, self.median, self.min, self.max)):
            raise ValueError("give at least one of mean, median, min or max (or write age: not-reported)")
        if self.spread is not None and self.mean is None:
            raise ValueError("a spread needs the mean it belongs to")
        return self


class Subgroup(Record):
    """A named part of the participants (a diagnosis, a skin type, an arm) and how many were in it."""

    label: str = Field(min_length=1, max_length=120, description="What the subgroup is, in plain words.", examples=["melasma"])
    n: Fact[Count] | None = Field(None, description="How many participants were in it.", examples=[5])


class Population(Record):
    """Who took part: every fact the source does not give stays unset and is shown as not reported."""

    description: Markdown = Field(description="Who took part, in our own words, cited.", examples=["Adult women with moderate-to-severe facial pigmentation [@roe2024series]."])
    age: Fact[AgeSummary] | None = Field(None, description="Age summary, or not-reported.", examples=[{"mean": 46.64, "sd": 13.05}])
    sex: Fact[Literal["female", "male", "mixed"]] | None = Field(None, description="female or male when all participants were, mixed when both took part.", examples=["female", "mixed"])
    female: Fact[Count] | None = Field(None, description="Number of female participants.", examples=[12])
    male: Fact[Count] | None = Field(None, description="Number of male participants.", examples=[0])
    skin_types: Fact[Annotated[list[SkinType], Field(min_length=1)]] | None = Field(None, description="Fitzpatrick skin types included.", examples=[["I", "II", "III"]])
    subgroups: Fact[Annotated[list[Subgroup], Field(min_length=1)]] | None = Field(None, description="Subgroups with their counts (diagnoses, arms).", examples=[[{"label": "melasma", "n": 5}]])


class StudyIntervention(Record):
    """What the participants received."""

    summary: str = Field(min_length=1, max_length=200, description="The intervention in one line, for cards and tables.", examples=["Three sessions of microneedling, topical exosomes and LED light, 3 weeks apart"])
    product: Product = Field(description="The product used.", examples=[{"name": "rose stem cell-derived exosomes (product not named)"}])
    sessions: Fact[Union[int, str]] | None = Field(None, description="Number of treatment sessions (a number, or the source's words when it gives a range).", examples=[3, "four or five"])
    interval: Fact[str] | None = Field(None, description="Time between sessions.", examples=["3 weeks"])
    regimen: Fact[Regimen] | None = Field(None, description="Home use between sessions.", examples=[{"frequency": "twice daily", "duration_days": 7}])
    combined_procedures: Fact[Annotated[list[Procedure], Field(min_length=1)]] | None = Field(None, description="Procedures done together with the product, or none when the source says there were none.", examples=[[{"type": "microneedling"}]])
    description: Markdown | None = Field(None, description="The intervention in words, cited.", examples=["Each session: microneedling, the product, then 20 minutes of LED light [@roe2024series]."])


class Statistic(str, Enum):
    """What kind of number an outcome value is."""

    mean = "mean"
    median = "median"
    change = "change"
    mean_change = "mean-change"
    percent_change = "percent-change"
    mean_difference = "mean-difference"
    share_of_participants = "share-of-participants"
    count = "count"
    other = "other"


STATISTIC_TEXT = {
    Statistic.mean: "mean",
    Statistic.median: "median",
    Statistic.change: "change (the source does not name the statistic)",
    Statistic.mean_change: "mean change",
    Statistic.percent_change: "change in per cent",
    Statistic.mean_difference: "mean difference",
    Statistic.share_of_participants: "share of participants",
    Statistic.count: "number of participants",
    Statistic.other: "value",
}


class Direction(str, Enum):
    """Which way the result went for the participants."""

    better = "better"
    worse = "worse"
    no_change = "no-change"
    unclear = "unclear"


class Assessor(str, Enum):
    """Who or what produced the measurement."""

    clinician = "clinician"
    participant = "participant"
    device = "device"
    photographs = "photographs"
    clinician_and_participant = "clinician-and-participant"


class MeasuredOutcome(Record):
    """One measured result: a measure at a timepoint, its statistic, value, unit, spread and p value as printed."""

    measure: str = Field(min_length=1, max_length=160, description="What was measured, in plain words.", examples=["Superficial pigmentation"])
    instrument: Fact[str] | None = Field(None, description="Scale or device: mMASI, GAIS, DLQI, MELASQoL, a named skin analyser.", examples=["mMASI", "3D facial analyser"])
    group: str | None = Field(None, description="The subgroup the value is for, when it is not all participants.", examples=["melasma"])
    timepoint: Fact[str] = Field(description="When it was measured, relative to the start of treatment (or not-reported).", examples=["week 12", "4 weeks after the last treatment"])
    comparison: str | None = Field(None, description="What the value compares, when it is a change or difference.", examples=["week 12 against baseline"])
    statistic: Statistic = Field(description="What kind of number the value is.", examples=["percent-change"])
    value: float | None = Field(None, description="The number as a number, when there is one (negative for a fall).", examples=[-12.95])
    bound: Literal["at-least", "at-most", "about"] | None = Field(None, description="When the source gives a bound rather than a value.", examples=["at-least"])
    unit: Fact[str] | None = Field(None, description="Unit of the value.", examples=["%", "points", "% of participants"])
    as_printed: str = Field(min_length=1, max_length=200, description="The value exactly as the source prints it.", examples=["-12.95%", "45.3% ± 10.8"])
    spread: Fact[Spread] | None = Field(None, description="Spread of the value (SD, SE, CI, IQR, range).", examples=[{"kind": "sd", "value": 10.8}])
    p_value: Fact[str] | None = Field(None, description="The p value as printed.", examples=["0.12", "<0.001"])
    test: Fact[str] | None = Field(None, description="The statistical test, as named by the source.", examples=["repeated-measures ANOVA"])
    n: Fact[Count] | None = Field(None, description="Participants the value is based on.", examples=[12])
    direction: Fact[Direction] | None = Field(None, description="better, worse, no-change or unclear for the participants.", examples=["better"])
    assessed_by: Fact[Assessor] | None = Field(None, description="clinician, participant, device, photographs or clinician-and-participant.", examples=["device"])
    reported_in: str | None = Field(None, pattern=CITATION_KEY_PATTERN, description="Citation key of the report that gives this value, when not the main source.", examples=["roe2024congress"])
    locator: str = Field(min_length=1, description="Where in that report the value stands.", examples=["Abstract, Results"])
    key: bool = Field(False, description="The study's key outcome, shown on cards and tables (at most one).", examples=[True])

    @property
    def description(self) -> str:
        """The outcome in one line, as cards and tables show it: 'Melasma severity, measured with mMASI: 90% improved'."""
        instrument = f", measured with {self.instrument}" if is_reported(self.instrument) else ""
        group = f", {self.group}" if self.group else ""
        return f"{self.measure}{group}{instrument}: {self.as_printed}"


class Study(Record):
    """One study of several participants, entered from what its reports give."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        title="site_builder study record",
        json_schema_extra={"$id": "https://site-builder.invalid/schema/study.schema.json"},
    )

    schema_version: Literal[1] = Field(description="Version of this schema.", examples=[1])
    id: str = Field(pattern=SLUG_PATTERN, max_length=80, description="Lowercase slug, equal to the file name; becomes the URL and never changes.", examples=["roe2024-melasma-microneedling"])
    title: str = Field(min_length=1, max_length=160, description="Short descriptive title.", examples=["Melasma treated with microneedling and exosomes in 20 people"])
    indication: str = Field(pattern=SLUG_PATTERN, description="Primary indication id, declared in content/indications/.", examples=["melasma"])
    tags: Tags = Field(default_factory=Tags, description="Procedures and body sites.", examples=[{"procedures": ["microneedling"], "body_sites": ["face"]}])
    summary: Summary = Field(description="Plain-language and clinician summaries.", examples=[{"plain_language": "Twenty people with dark patches had skin needling and the product.", "clinician": "Uncontrolled series of 20 with melasma [@roe2024series]."}])
    design: Design = Field(description="Study design: case-series, cohort, non-randomised-trial, randomised-trial, split-face or split-body.", examples=["case-series"])
    design_as_described: Fact[str] | None = Field(None, description="How the authors describe their design, in their words.", examples=["proof-of-concept case series"])
    participants: int = Field(ge=2, description="Number of participants (n); a single patient is a case, under cases/.", examples=[20])
    population: Population = Field(description="Who took part.", examples=[{"description": "Adults with melasma [@roe2024series].", "sex": "mixed"}])
    intervention: StudyIntervention = Field(description="What the participants received.", examples=[{"summary": "Microneedling then the product, 5 sessions", "product": {"name": "Example exosomes"}}])
    comparator: Fact[Comparator] | None = Field(None, description="The comparison (another group, or the other side in a split-face design); not-applicable for an uncontrolled series.", examples=["not-applicable"])
    outcomes: list[MeasuredOutcome] = Field(min_length=1, description="Measured results, each with its timepoint and value.", examples=[[{"measure": "Melasma severity", "instrument": "mMASI", "timepoint": "not-reported", "statistic": "share-of-participants", "value": 90, "unit": "% of participants", "as_printed": "90%", "direction": "better", "locator": "Abstract"}]])
    adverse_events: Fact[AdverseEvents] | None = Field(None, description="Harms, or the source's statement that there were none.", examples=[{"status": "reported", "description": "Mild, transient side effects [@roe2024series]."}])
    follow_up: Fact[FollowUp] | None = Field(None, description="Length of follow-up after treatment.", examples=[{"duration_weeks": 4, "description": "End of study 4 weeks after the last treatment."}])
    learning_points: list[Markdown] = Field(default_factory=list, description="Lessons, in our own words; say whose view each one is.", examples=[["Without a control group the change cannot be attributed to the product."]])
    editorial_notes: list[EditorialNote] = Field(default_factory=list, description="Where reports of the study disagree with each other or themselves.", examples=[[{"topic": "number of sessions", "readings": [{"text": "Four or five sessions.", "locator": "Preprint, Abstract"}, {"text": "Five sessions.", "locator": "Majewska 2025, Section 3"}], "note": "Both readings are kept."}]])
    consent: Consent = Field(description="What the source says about consent; for an unpublished study, who holds it and what it covers.", examples=[{"source_says": "not-reported"}])
    source: Source = Field(description="The main report, what the record is based on, the other reports and locators.", examples=[{"citation": "roe2024series", "based_on": "abstract", "locators": {"outcomes": ["Abstract, Results"]}}])
    review: Review | None = Field(None, description="Editorial review dates; the site-wide defaults apply when absent.", examples=[{"last_reviewed": "2026-11-26", "reviewed_by": "site_builder editorial team"}])
    withdrawn: Withdrawal | None = Field(None, description="Set when the study is withdrawn: its page becomes a tombstone.", examples=[{"date": "2026-11", "reason": "The publication was retracted."}])
    privacy_allowlist: list[AllowEntry] = Field(default_factory=list, description="Reviewed exceptions to the privacy screen, each with a reason.", examples=[[{"field": "intervention.product.manufacturer", "text": "Seoul", "reason": "The manufacturer's city, not a participant's address."}]])

    @field_validator("design")
    @classmethod
    def _not_a_case(cls, design: Design) -> Design:
        if design is Design.case_report:
            raise ValueError("a single case report is a case: put it in the cases folder")
        return design

    @field_validator("outcomes")
    @classmethod
    def _at_most_one_key_outcome(cls, outcomes: list[MeasuredOutcome]) -> list[MeasuredOutcome]:
        if sum(o.key for o in outcomes) > 1:
            raise ValueError("at most one outcome may have key: true")
        return outcomes

    @property
    def key_outcome(self) -> MeasuredOutcome:
        """The outcome flagged key, else the first."""
        return next((o for o in self.outcomes if o.key), self.outcomes[0])

    @property
    def evidence(self) -> EvidenceLevel:
        """The strength of evidence its design can give."""
        return evidence_level(self.design)

    @property
    def unpublished(self) -> bool:
        """Original, unpublished data contributed directly, not a published source."""
        return self.source.based_on is Provenance.unpublished
