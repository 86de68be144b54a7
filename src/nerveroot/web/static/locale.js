// Where to get help, by country: the emergency number and the same-day route. UK is the default.

const KEY = "nerveroot.locale";

export const LOCALES = {
  uk: {
    label: "United Kingdom",
    emergency: "Call 999 now, or go straight to A&E (the emergency department).",
    number: "999",
    sameDay: "Speak to a clinician today: call NHS 111, or ask your GP practice for a same-day appointment.",
    sameDayShort: "NHS 111 or your GP today",
  },
  us: {
    label: "United States or Canada",
    emergency: "Call 911 now, or go straight to the emergency room.",
    number: "911",
    sameDay: "Speak to a clinician today: call your doctor's office for a same-day visit, or go to urgent care.",
    sameDayShort: "your doctor or urgent care today",
  },
  eu: {
    label: "European Union (112)",
    emergency: "Call 112 now, or go straight to the nearest emergency department.",
    number: "112",
    sameDay: "Speak to a doctor today: call your doctor or the out-of-hours doctor service for a same-day appointment.",
    sameDayShort: "your doctor or the out-of-hours service today",
  },
  au: {
    label: "Australia",
    emergency: "Call 000 now, or go straight to the emergency department.",
    number: "000",
    sameDay: "Speak to a clinician today: see your GP today, or call healthdirect on 1800 022 222.",
    sameDayShort: "your GP or healthdirect today",
  },
};

export function currentLocale() {
  const saved = localStorage.getItem(KEY);
  return LOCALES[saved] ? saved : "uk";
}

export function help() {
  return LOCALES[currentLocale()];
}

/** Fill the locale <select>; `onChange` re-renders whatever shows a number. */
export function setupLocale(select, onChange) {
  select.replaceChildren(...Object.entries(LOCALES).map(([id, l]) => {
    const option = document.createElement("option");
    option.value = id;
    option.textContent = `${l.label} (emergency ${l.number})`;
    return option;
  }));
  select.value = currentLocale();
  select.addEventListener("change", () => {
    if (select.value === "uk") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, select.value);
    onChange();
  });
}
