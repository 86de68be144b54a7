// Intake wording written for this page. The keys are the Case keys of the engine (symptoms, history) and the exam vocabulary of nerveroot.assessment.case; the engine decides what each answer means.

/** Symptoms: a tick sends "present"; no tick sends nothing (unknown). */
export const SYMPTOMS = [
  { key: "back_pain", text: "Low back pain" },
  { key: "leg_pain_worse_than_back", text: "The leg hurts more than the back" },
  { key: "paresthesia", text: "Pins and needles or tingling in the leg" },
  { key: "numbness", text: "Numb patches on the leg or foot" },
  { key: "weakness", text: "The leg or foot feels weak" },
  { key: "pain_worse_with_cough_sneeze", text: "Coughing or sneezing makes the leg pain worse" },
  { key: "neurogenic_claudication", text: "Walking brings on leg pain or heaviness" },
  { key: "pain_relieved_by_sitting_or_flexion", text: "Sitting or bending forward eases the leg pain" },
  { key: "pain_below_knee", text: "The pain goes below the knee" },
];

/** Health background, each yes / no / not asked. */
export const HISTORY = [
  { key: "cancer_history", text: "Ever treated for cancer" },
  { key: "immunosuppression", text: "Weakened immune system (e.g. chemotherapy, transplant medicines)" },
  { key: "iv_drug_use", text: "Has injected drugs" },
  { key: "recent_infection", text: "Recent infection or operation" },
  { key: "osteoporosis", text: "Thin bones (osteoporosis)" },
  { key: "long_term_steroids", text: "Steroid tablets for months" },
  { key: "diabetes", text: "Diabetes" },
];

export const MOVEMENTS = [
  ["hip_flexion", "Hip flexion"],
  ["hip_adduction", "Hip adduction"],
  ["hip_abduction", "Hip abduction"],
  ["knee_extension", "Knee extension"],
  ["knee_flexion", "Knee flexion"],
  ["ankle_dorsiflexion", "Ankle dorsiflexion"],
  ["great_toe_extension", "Great toe extension"],
  ["ankle_plantarflexion", "Ankle plantarflexion"],
  ["ankle_eversion", "Ankle eversion"],
  ["ankle_inversion", "Ankle inversion"],
];

export const REFLEXES = [
  ["patellar", "Patellar (knee jerk)"],
  ["achilles", "Achilles (ankle jerk)"],
  ["medial_hamstring", "Medial hamstring"],
];
export const REFLEX_RESULTS = ["normal", "reduced", "absent", "brisk"];

export const PROVOCATIVE = [
  ["slr", "Straight leg raise"],
  ["crossed_slr", "Crossed straight leg raise"],
  ["femoral_stretch", "Femoral nerve stretch"],
  ["crossed_femoral_stretch", "Crossed femoral stretch"],
  ["slump", "Slump test"],
];

export const GAIT = [
  ["heel_walk", "Heel walk", "ankle_dorsiflexion"],
  ["toe_walk", "Toe walk", "ankle_plantarflexion"],
];
export const GAIT_RESULTS = [["normal", "normal"], ["weak", "difficult or unable"]];

/** Regions in the middle of the body: a mark there does not make a leg symptomatic. */
export const MIDLINE_REGIONS = new Set(["low_back", "saddle"]);
