"""Judge, then weigh: from findings to a grade (verdict and position within it).

A grade runs from 0 to 3: weak [0, 1), viable [1, 2), strong [2, 3). Criteria types follow
the two steps of Kazarian v. USCIS (9th Cir. 2010) and the Policy Manual: count the criteria
judged met, then weigh the whole record (final merits), which can leave a case that meets the
threshold on paper weak. Gate-only types start near the top of strong and lose grade for each
risk an officer would raise (RFE risk). Every change of grade is recorded as a factor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility_engine.domain.findings import Finding

GATE_ONLY_START = 2.8
UNCONFIRMED_FACT_COST = 0.65
DEFAULT_MERITS = {"viable": 0.35, "strong": 0.62}


@dataclass
class Grade:
    value: float
    factors: list[dict] = field(default_factory=list)

    def adjust(self, effect: float, factor: str, why: str) -> None:
        self.value += effect
        self.factors.append({"factor": factor, "effect": round(effect, 3), "why": why})

    @property
    def verdict(self) -> str:
        if self.value >= 2:
            return "strong"
        return "viable" if self.value >= 1 else "weak"

    @property
    def position(self) -> float:
        clipped = min(max(self.value, 0.0), 2.999)
        return round(clipped - int(clipped), 3)


def final_merits(threshold: int, criteria: dict[str, Finding], one_time: Finding | None,
                 standard: dict | None = None) -> Grade:
    """Two-step grade of an "N of M criteria" type."""
    standard = {**DEFAULT_MERITS, **(standard or {})}
    met = sorted((f.strength for f in criteria.values() if f.met), reverse=True)
    if one_time is not None and one_time.met:
        grade = Grade(2.75)
        grade.adjust(min(0.24, 0.06 * len(met)), "one_time_achievement",
                     f"{one_time.explanation}; {len(met)} further criteria support it")
        return grade
    if len(met) < threshold:
        grade = Grade(0.85 * len(met) / threshold)
        grade.factors.append({"factor": "criteria_count", "effect": round(grade.value, 3),
                              "why": f"{len(met)} of the {threshold} criteria required are met"})
        return grade
    core = sum(met[:threshold]) / threshold
    breadth = min(1.0, (len(met) - threshold) / 3)
    merit = 0.75 * core + 0.25 * breadth
    grade = Grade(_merit_to_grade(merit, standard))
    grade.factors.append({"factor": "final_merits", "effect": round(grade.value, 3),
                          "why": f"{len(met)} criteria met (threshold {threshold}); quality of the "
                                 f"best {threshold} {core:.2f}, breadth {breadth:.2f}: whole-record "
                                 f"merit {merit:.2f} (viable from {standard['viable']}, strong from "
                                 f"{standard['strong']})"})
    return grade


def all_prongs(criteria: dict[str, Finding], standard: dict | None = None) -> Grade:
    """Grade of a type whose every prong must be met (Dhanasar)."""
    standard = {**DEFAULT_MERITS, **(standard or {})}
    findings = list(criteria.values())
    if not all(f.met for f in findings):
        met = sum(1 for f in findings if f.met)
        grade = Grade(0.8 * met / len(findings))
        grade.factors.append({"factor": "prongs", "effect": round(grade.value, 3),
                              "why": f"{met} of {len(findings)} prongs met; all are required"})
        return grade
    merit = sum(f.strength for f in findings) / len(findings)
    grade = Grade(_merit_to_grade(merit, standard))
    grade.factors.append({"factor": "prongs", "effect": round(grade.value, 3),
                          "why": f"every prong met; average strength {merit:.2f}"})
    return grade


def gate_only(criteria: dict[str, Finding]) -> Grade:
    """Grade of a type decided by its gates: strong unless risks lower it."""
    grade = Grade(GATE_ONLY_START)
    supporting = [f for f in criteria.values() if f.met is not None]
    if supporting:
        average = sum(f.strength if f.met else 0.0 for f in supporting) / len(supporting)
        grade.adjust(round(0.19 * (average - 0.5), 3), "supporting_evidence",
                     "supporting criteria: " + "; ".join(f.explanation for f in supporting))
    return grade


def _merit_to_grade(merit: float, standard: dict) -> float:
    viable, strong = standard["viable"], standard["strong"]
    if merit < viable:
        return merit / viable
    if merit < strong:
        return 1 + (merit - viable) / (strong - viable)
    return 2 + min(0.999, (merit - strong) / (1 - strong))
