// Patient records: token (sessionStorage only), patients, episodes, saved assessments and ODI / pain charts.

import { get, post, kb, token } from "./api.js";
import { h, fill, words } from "./dom.js";
import { mcidVerdict, scoreChart } from "./chart.js";

const today = () => new Date().toISOString().slice(0, 10);
const PAGE = 100; // patients fetched per request (GET /api/patients pages by the last id seen)

/** Minimal important change thresholds from GET /api/kb/instruments (ODI and pain NRS). */
async function thresholds() {
  const instruments = await kb("instruments");
  const byId = Object.fromEntries(instruments.map((i) => [i.id, i]));
  const nrs = byId.pain_nrs || {};
  // The NRS record gives the point threshold in `mcid`; its relative threshold is stated in the scoring text.
  const relative = /(\d+)\s*%/.exec(nrs.scoring || "");
  return {
    odi: { mcid: byId.odi ? byId.odi.mcid : null, percent: null, source: byId.odi },
    nrs: { mcid: nrs.mcid ?? null, percent: relative ? Number(relative[1]) : null, source: nrs },
  };
}

function labelled(text, control) {
  return h("label", {}, text, control);
}

export class Records {
  constructor(root, status, { currentCase, reopen }) {
    this.root = root;
    this.status = status;
    this.currentCase = currentCase;
    this.reopen = reopen;
    this.patientId = "";
    this.episodeId = "";
  }

  say(message, isError = false) {
    this.status.textContent = message;
    this.status.classList.toggle("error", isError);
  }

  async guard(action) {
    try {
      await action();
    } catch (err) {
      this.say(err.message, true);
    }
  }

  async start() {
    if (!token.get()) {
      fill(this.root, h("p", { class: "detail" }, "Enter an API token (from “nerveroot token create NAME”) to open records."));
      return;
    }
    await this.guard(async () => {
      const patients = await get(`/api/patients?limit=${PAGE}`, { auth: true });
      let more = patients.length === PAGE;
      if (this.patientId && !patients.some((p) => p.id === this.patientId)) {
        patients.push(await get(`/api/patients/${encodeURIComponent(this.patientId)}`, { auth: true }));
      }
      this.renderPatients(patients, more);
      if (this.patientId) await this.loadEpisodes();
    });
  }

  /** The next page of patients after the last one listed, added to the list (the chosen one is kept). */
  async morePatients(select, button, after) {
    const page = await get(`/api/patients?limit=${PAGE}&after=${encodeURIComponent(after)}`, { auth: true });
    const listed = new Set([...select.options].map((o) => o.value));
    select.append(...page.filter((p) => !listed.has(p.id)).map((p) => this.patientOption(p)));
    if (page.length < PAGE) button.remove();
    else button.dataset.after = page[page.length - 1].id;
    this.say(`${select.options.length - 1} patients listed.`);
  }

  patientOption(p) {
    return h("option", { value: p.id, selected: p.id === this.patientId },
      `${p.reference || p.id.slice(0, 8)}${p.year_of_birth ? `, born ${p.year_of_birth}` : ""}`);
  }

  renderPatients(patients, more = false) {
    const select = h("select", { id: "patient-select" },
      h("option", { value: "" }, patients.length ? "Choose a patient" : "No patients yet"),
      patients.map((p) => this.patientOption(p)));
    const moreButton = h("button", { type: "button", class: "secondary", id: "more-patients" }, "More patients");
    if (more) {
      moreButton.dataset.after = patients[PAGE - 1].id;
      moreButton.addEventListener("click", () =>
        this.guard(() => this.morePatients(select, moreButton, moreButton.dataset.after)));
    }
    select.addEventListener("change", () => {
      this.patientId = select.value;
      this.episodeId = "";
      this.guard(() => this.loadEpisodes());
    });
    const reference = h("input", { id: "new-patient-ref", type: "text", maxlength: "64", autocomplete: "off" });
    const year = h("input", { id: "new-patient-year", type: "number", min: "1900", max: String(new Date().getFullYear()) });
    const sex = h("select", { id: "new-patient-sex" },
      ["unknown", "female", "male", "other"].map((s) => h("option", { value: s }, s === "unknown" ? "Not recorded" : s)));
    const form = h("form", { class: "grid compact", id: "new-patient-form" },
      labelled("Local reference (no names)", reference), labelled("Year of birth", year), labelled("Sex", sex),
      h("button", { type: "submit", class: "secondary" }, "Add patient"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.guard(async () => {
        const patient = await post("/api/patients", {
          reference: reference.value.trim() || null,
          year_of_birth: year.value ? Number(year.value) : null,
          sex: sex.value,
        }, { auth: true });
        this.patientId = patient.id;
        this.say(`Patient ${patient.reference || patient.id} added.`);
        await this.start();
      });
    });
    fill(this.root,
      h("div", { class: "records-col" }, h("h3", {}, "Patient"), labelled("Patient", select),
        more ? moreButton : null, h("details", {}, h("summary", {}, "Add a patient"), form)),
      h("div", { id: "episodes-box", class: "records-col" }));
  }

  async loadEpisodes() {
    const box = this.root.querySelector("#episodes-box");
    if (!this.patientId) {
      fill(box);
      return;
    }
    const episodes = await get(`/api/patients/${encodeURIComponent(this.patientId)}/episodes`, { auth: true });
    const select = h("select", { id: "episode-select" },
      h("option", { value: "" }, episodes.length ? "Choose an episode" : "No episodes yet"),
      episodes.map((e) => h("option", { value: e.id, selected: e.id === this.episodeId },
        `${e.title}${e.started_on ? ` (from ${e.started_on})` : ""}`)));
    select.addEventListener("change", () => {
      this.episodeId = select.value;
      this.guard(() => this.loadEpisode());
    });
    const title = h("input", { id: "new-episode-title", type: "text", maxlength: "200", required: true });
    const started = h("input", { id: "new-episode-start", type: "date", value: today() });
    const form = h("form", { class: "grid compact", id: "new-episode-form" },
      labelled("Title", title), labelled("Started on", started),
      h("button", { type: "submit", class: "secondary" }, "Add episode"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.guard(async () => {
        const episode = await post(`/api/patients/${encodeURIComponent(this.patientId)}/episodes`,
          { title: title.value.trim(), started_on: started.value || null }, { auth: true });
        this.episodeId = episode.id;
        this.say(`Episode “${episode.title}” added.`);
        await this.loadEpisodes();
      });
    });
    fill(box, h("h3", {}, "Episode"), labelled("Episode", select),
      h("details", { open: episodes.length === 0 }, h("summary", {}, "Add an episode"), form),
      h("div", { id: "episode-detail" }));
    if (this.episodeId) await this.loadEpisode();
  }

  async loadEpisode() {
    const box = this.root.querySelector("#episode-detail");
    if (!this.episodeId) {
      fill(box);
      return;
    }
    const [episode, limits, odi] = await Promise.all([
      get(`/api/episodes/${encodeURIComponent(this.episodeId)}`, { auth: true }),
      thresholds(),
      kb("instruments").then((list) => list.find((i) => i.id === "odi")),
    ]);
    const save = h("button", { type: "button", id: "save-assessment", class: "primary" }, "Save this encounter to the episode");
    save.addEventListener("click", () => this.guard(async () => {
      const data = this.currentCase();
      if (!data) {
        this.say("Assess the encounter first, then save it.", true);
        return;
      }
      await post(`/api/episodes/${encodeURIComponent(this.episodeId)}/assessments`, { case: data }, { auth: true });
      this.say("Assessment saved.");
      await this.loadEpisode();
    }));
    fill(box,
      h("h4", {}, "Saved assessments"),
      episode.assessments.length
        ? h("ul", { id: "saved-assessments" }, episode.assessments.map((a) => h("li", {},
          `${a.created_at.slice(0, 16).replace("T", " ")}: ${words(a.triage_level)}`
          + `${a.top_condition ? `, ${words(a.top_condition)}` : ""} `,
          h("button", { type: "button", class: "secondary reopen", "data-assessment": a.id,
            onclick: () => this.guard(async () => {
              await this.reopen(a);
              this.say("Encounter reopened: the form and the result are as saved.");
            }) }, "Reopen"))))
        : h("p", { class: "detail" }, "None yet."),
      save,
      h("h4", {}, "Add a score"),
      this.scoreForm(odi),
      h("h4", {}, "Progress"),
      this.charts(episode.scores, limits));
  }

  scoreForm(odi) {
    const instrument = h("select", { id: "score-instrument" },
      h("option", { value: "nrs" }, "Pain score (0–10)"), h("option", { value: "odi" }, "Oswestry Disability Index (ODI)"));
    const value = h("input", { id: "score-value", type: "number", min: "0", max: "10", inputmode: "numeric" });
    const date = h("input", { id: "score-date", type: "date", value: today() });
    const items = (odi ? odi.items : []).map((item, i) => h("label", {}, `${i + 1}. ${item.topic}`,
      h("select", { "data-odi": String(i) }, h("option", { value: "" }, "Not answered"),
        [0, 1, 2, 3, 4, 5].map((n) => h("option", { value: String(n) }, String(n))))));
    const odiBox = h("fieldset", { class: "grid compact", hidden: true },
      h("legend", {}, "ODI sections, 0 (no limitation) to 5 (most)"), items);
    const nrsBox = h("div", {}, labelled("Pain now, 0 to 10", value));
    instrument.addEventListener("change", () => {
      odiBox.hidden = instrument.value !== "odi";
      nrsBox.hidden = instrument.value === "odi";
    });
    const form = h("form", { id: "score-form", class: "score-form" },
      labelled("Measure", instrument), labelled("Date", date), nrsBox, odiBox,
      h("button", { type: "submit", class: "secondary" }, "Add score"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.guard(async () => {
        const isOdi = instrument.value === "odi";
        const body = isOdi
          ? { instrument: "odi", answers: [...odiBox.querySelectorAll("select")].map((s) => (s.value === "" ? null : Number(s.value))),
            value: null, recorded_on: date.value }
          : { instrument: "nrs", answers: null, value: value.value === "" ? null : Number(value.value), recorded_on: date.value };
        await post(`/api/episodes/${encodeURIComponent(this.episodeId)}/scores`, body, { auth: true });
        this.say("Score added.");
        await this.loadEpisode();
      });
    });
    return form;
  }

  charts(scores, limits) {
    const series = (name) => scores.filter((s) => s.instrument === name)
      .sort((a, b) => (a.recorded_on < b.recorded_on ? -1 : a.recorded_on > b.recorded_on ? 1 : 0))
      .map((s) => ({ date: s.recorded_on, value: Math.round(s.value * 10) / 10 }));
    const odi = series("odi");
    const nrs = series("nrs");
    if (!odi.length && !nrs.length) return h("p", { class: "detail" }, "No scores yet.");
    const cite = (src) => (src && src.sources ? src.sources.find((c) => c.source === "ostelo_2008") : null);
    const note = (src) => {
      const c = cite(src);
      return c ? h("p", { class: "detail" }, `Threshold: ${c.locator} (Ostelo et al., 2008).`) : null;
    };
    return h("div", { class: "charts" },
      odi.length ? [scoreChart({ id: "chart-odi", title: "ODI disability (%)", points: odi, max: 100, unit: "%",
        verdict: mcidVerdict(odi, limits.odi.mcid, limits.odi.percent) }), note(limits.odi.source)] : null,
      nrs.length ? [scoreChart({ id: "chart-nrs", title: "Pain score (0–10)", points: nrs, max: 10, unit: "",
        verdict: mcidVerdict(nrs, limits.nrs.mcid, limits.nrs.percent) }), note(limits.nrs.source)] : null);
  }
}
