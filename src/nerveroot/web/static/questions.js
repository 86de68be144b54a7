// Intake wording written for this page. The keys are the Case keys of the engine (red_flags, symptoms,
// history) and the exam vocabulary of nerveroot.assessment.case; the engine decides what each answer means.

/** Safety questions, asked first; every one needs yes / no / don't know before the check can run. */
export const RED_FLAGS = [
  { key: "saddle_anaesthesia", group: "Bladder, bowel and saddle area",
    text: "Since this began, does the skin between your legs or around your bottom feel numb, tingly or different, for example when you wipe?" },
  { key: "bladder_dysfunction", group: "Bladder, bowel and saddle area",
    text: "Any new problem passing urine: hard to start, a weak flow, not feeling it, or leaking?" },
  { key: "bowel_dysfunction", group: "Bladder, bowel and saddle area",
    text: "Any new trouble controlling your bowels, or not feeling when you need to go?" },
  { key: "sexual_dysfunction", group: "Bladder, bowel and saddle area",
    text: "Any new change in sexual function, or in feeling around the genitals?" },
  { key: "bilateral_leg_symptoms", group: "Nerves and walking",
    text: "Are both legs affected by pain, numbness or weakness, or has it spread from one leg to the other?" },
  { key: "progressive_weakness", group: "Nerves and walking",
    text: "Is weakness or numbness in your leg or foot getting worse day by day?" },
  { key: "gait_disturbance", group: "Nerves and walking",
    text: "Has standing or walking become hard because your legs feel weak, numb or unsteady (not only because it hurts)?" },
  { key: "fever", group: "Infection, cancer and injury",
    text: "Have you had a fever, sweats or shivering fits along with this pain?" },
  { key: "unexplained_weight_loss", group: "Infection, cancer and injury",
    text: "Have you lost weight lately without trying to?" },
  { key: "night_pain", group: "Infection, cancer and injury",
    text: "Does the pain wake you at night, or stay the same even when you rest and lie still?" },
  { key: "thoracic_pain", group: "Infection, cancer and injury",
    text: "Is there also pain in the middle or upper back, around the shoulder blades?" },
  { key: "major_trauma", group: "Infection, cancer and injury",
    text: "Did this start after a serious injury, such as a car crash or a fall from a height?" },
  { key: "sudden_severe_central_pain", group: "Infection, cancer and injury",
    text: "Did a sudden, very severe pain start right in the middle of your spine?" },
  { key: "structural_deformity", group: "Infection, cancer and injury",
    text: "Has the shape of your spine changed lately, such as a new hump or a lean to one side?" },
];

export const ANSWERS = [
  { value: "present", label: "Yes" },
  { value: "absent", label: "No" },
  { value: "unknown", label: "Don’t know" },
];

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

/** Regions in the middle of the body: a mark there does not make a leg symptomatic. */
export const MIDLINE_REGIONS = new Set(["low_back", "saddle"]);
