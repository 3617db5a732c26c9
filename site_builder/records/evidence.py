"""Study designs and the strength of evidence each can give: one table, used for cases and studies alike.

Levels follow the Oxford CEBM 2011 Levels of Evidence (question: "does this intervention help?") and the
GRADE starting certainty (Balshem et al. 2011, J Clin Epidemiol 64:401-406: randomised trials start high,
observational studies low; uncontrolled case reports and series are usually rated very low).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Design(str, Enum):
    """How a record's evidence was gathered."""

    case_report = "case-report"
    case_series = "case-series"
    cohort = "cohort"
    non_randomised_trial = "non-randomised-trial"
    randomised_trial = "randomised-trial"
    split_face = "split-face"
    split_body = "split-body"


@dataclass(frozen=True)
class EvidenceLevel:
    """What a design can show, in plain words and on the two scales the evidence page explains."""

    design: Design
    name: str  # the design's name, capitalised for labels: "Case series"
    kind: str  # the family in plain words: "single case report", "case series", "within-person comparison", "trial"
    ocebm: int  # Oxford CEBM 2011 level for treatment benefits (1 strongest, 5 weakest)
    grade: str  # GRADE starting certainty: "high", "low" or "very low"
    rank: int  # for sorting: a higher rank is a stronger design
    anchor: str  # section of the evidence page that explains this design
    explanation: str  # one sentence for readers

    @property
    def ocebm_label(self) -> str:
        """'Oxford CEBM 2011 level 4'."""
        return f"Oxford CEBM 2011 level {self.ocebm}"

    @property
    def grade_label(self) -> str:
        """'GRADE starting certainty: very low'."""
        return f"GRADE starting certainty: {self.grade}"


EVIDENCE: dict[Design, EvidenceLevel] = {
    level.design: level
    for level in (
        EvidenceLevel(Design.case_report, "Single case report", "single case report", 4, "very low", 0, "levels",
                      "One person's result: the weakest kind of clinical evidence."),
        EvidenceLevel(Design.case_series, "Case series", "case series", 4, "very low", 1, "levels",
                      "A group of treated people with no comparison group: weak evidence."),
        EvidenceLevel(Design.split_face, "Split-face comparison", "within-person comparison", 3, "low", 2, "within-patient",
                      "Each person had the treatment on one side of the face and something else on the other."),
        EvidenceLevel(Design.split_body, "Split-body comparison", "within-person comparison", 3, "low", 2, "within-patient",
                      "Each person had the treatment on one part of the body and something else on a matching part."),
        EvidenceLevel(Design.cohort, "Cohort study", "cohort study", 3, "low", 3, "levels",
                      "Treated and untreated groups followed over time, without random allocation."),
        EvidenceLevel(Design.non_randomised_trial, "Non-randomised trial", "trial", 3, "low", 4, "levels",
                      "A planned comparison of groups that were not allocated at random."),
        EvidenceLevel(Design.randomised_trial, "Randomised trial", "trial", 2, "high", 5, "levels",
                      "Participants were allocated to treatment or comparison at random: the strongest single design."),
    )
}


def evidence_level(design: Design | str) -> EvidenceLevel:
    """The evidence level of a design (a Design or its value)."""
    return EVIDENCE[Design(design)]
