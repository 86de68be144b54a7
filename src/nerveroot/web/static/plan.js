// Shape the engine's care plan for reading: one line per treatment per stage, treatments resting on the same
// statement listed together, lines ordered by recommendation strength, and drugs split into what can be offered
// to this patient, what is not suitable for them, and what guidelines advise against.

export const STANCES = {
  recommended: "Recommended",
  consider: "Consider",
  no_recommendation: "No recommendation",
  insufficient_evidence: "Not enough evidence",
  investigational: "Experimental",
  not_recommended: "Not recommended",
};
const STANCE_RANK = { recommended: 0, consider: 1, no_recommendation: 2, insufficient_evidence: 3, investigational: 4 };
const RANK_NONE = 5;

export const DRUG_STATUS = {
  option: "Option",
  use_with_caution: "Use with care",
  contraindicated: "Not suitable for this patient",
  advised_against_for_sciatica: "Advised against for sciatica",
};

export const SAFETY_EFFECT = {
  contraindicated: "do not use",
  avoid: "avoid",
  reduce_dose: "lower dose",
  caution: "use with care",
  check_before_prescribing: "check before prescribing",
};

/** Groups of items that share stance and statement: [{stance, names, items, detail, sources}], strongest first. */
export function groupItems(items) {
  const seen = new Set();
  const groups = new Map();
  for (const item of items) {
    if (seen.has(item.id)) continue; // one line per treatment per stage
    seen.add(item.id);
    const key = `${item.stance || ""}|${item.detail}`;
    if (!groups.has(key)) groups.set(key, { stance: item.stance, detail: item.detail, items: [], sources: [] });
    const group = groups.get(key);
    group.items.push(item);
    group.sources.push(...item.sources);
  }
  return [...groups.values()].sort((a, b) => (STANCE_RANK[a.stance] ?? RANK_NONE) - (STANCE_RANK[b.stance] ?? RANK_NONE));
}

/** The staged plan with a treatment advised against removed from the stages (shown once, as advised against). */
export function stagedPlan(plan) {
  const against = new Set(plan.avoid.map((i) => i.id));
  return {
    steps: plan.steps
      .map((step) => ({ ...step, groups: groupItems(step.items.filter((i) => !against.has(i.id))) }))
      .filter((step) => step.groups.length),
    avoid: groupItems(plan.avoid),
  };
}

/** Statements about low back pain alone (or another condition) are indirect for nerve root pain. */
export const isIndirect = (position) => position.population === "low_back_pain" || position.population === "other_condition";

/** "ACP 2017 (low back pain only, chronic)" for an indirect or phase-limited statement, else the body. */
export function positionBody(position) {
  const scope = [isIndirect(position) ? "low back pain only" : null, position.phase && position.phase !== "any" ? position.phase : null].filter(Boolean);
  return scope.length ? `${position.body} (${scope.join(", ")})` : position.body;
}

/** "acute" under 12 weeks, "chronic" from 12 weeks, null when the duration is not recorded (as the engine). */
export const CHRONIC_DAYS = 84;
export function phaseOf(caseData) {
  const days = caseData ? caseData.duration_days : null;
  return days === null || days === undefined ? null : days >= CHRONIC_DAYS ? "chronic" : "acute";
}

/** Whether a position speaks to this phase (every one does when the phase is unknown). */
export const inPhase = (position, phase) => !phase || !position.phase || position.phase === "any" || position.phase === phase;

const offers = (p) => p.stance === "recommended" || p.stance === "consider";

/** How well a drug is supported for this phase, as the care plan ranks treatments: the lead statement on nerve root
 * pain (NICE first) when it offers or considers the drug, else a statement doing so for low back pain only, else
 * none. A lead with no recommendation is not outranked by a general statement on how to prescribe. */
export function support(drug, phase) {
  const applicable = drug.positions.filter((p) => inPhase(p, phase));
  const direct = applicable.filter((p) => !isIndirect(p));
  const lead = direct.find((p) => p.body.startsWith("NICE")) || direct[0];
  if (lead && offers(lead)) return STANCE_RANK[lead.stance];
  const indirect = applicable.filter((p) => isIndirect(p) && offers(p)).map((p) => STANCE_RANK[p.stance] + 2);
  return indirect.length ? Math.min(...indirect) : RANK_NONE;
}

/** Drugs: offer (option / use with care), unsuitable for this patient, advised against, each in the engine's one
 * order (`option_order`: best-supported first; at the same support, none of the patient's cautions present first). */
export function drugGroups(drugs) {
  const offer = drugs.filter((d) => d.status === "option" || d.status === "use_with_caution");
  return {
    offer,
    unsuitable: drugs.filter((d) => d.status === "contraindicated"),
    against: drugs.filter((d) => d.status === "advised_against_for_sciatica"),
  };
}

/** The patient's own reasons a drug is limited (factors recorded present), e.g. "ckd: lower dose". */
export function presentFactors(drug) {
  return drug.safety.filter((s) => s.factor_status === "present");
}

/** The patient's daily ceiling; when a factor of theirs lowers the dose without a figure, the label maximum is
 * not presented as theirs. */
export function ceilingText(drug) {
  const lower = presentFactors(drug).some((s) => s.effect === "reduce_dose" && !s.max_mg_per_day);
  if (!drug.ceiling_mg_per_day) return lower ? "no daily ceiling recorded; use a lower dose for this patient" : "no daily ceiling recorded";
  return lower
    ? `label maximum ${drug.ceiling_mg_per_day} ${drug.dose_unit}/day; use a lower dose for this patient`
    : `max ${drug.ceiling_mg_per_day} ${drug.dose_unit}/day for this patient`;
}
