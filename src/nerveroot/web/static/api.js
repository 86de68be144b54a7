// The page's only way to the server: JSON calls to the endpoints of the nerveroot API contract.

const TOKEN_KEY = "nerveroot.apiToken";

export class ApiError extends Error {
  constructor(status, message, detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

/** The API token lives in sessionStorage only (gone when the tab closes). */
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || "",
  set: (value) => (value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY)),
};

const FIELD_NAMES = {
  age: "Age",
  duration_days: "How many days ago it started",
  pain_score: "Pain score",
  egfr: "eGFR",
  weight_kg: "Weight",
  angle: "SLR angle",
  grade: "Strength grade",
  text: "The note",
  question: "The question",
  answers: "The questionnaire answers",
  year_of_birth: "Year of birth",
  reference: "Local reference",
  title: "Episode title",
  trimester: "Trimester",
  value: "The score",
};

/** A pydantic message in plain words: "Input should be greater than or equal to 16" -> "must be 16 or more". */
function plainMessage(msg) {
  const text = String(msg || "");
  let m = /greater than or equal to (\S+)/.exec(text) || /greater than (\S+)/.exec(text);
  if (m) return `must be ${m[1]} or more`;
  m = /less than or equal to (\S+)/.exec(text) || /less than (\S+)/.exec(text);
  if (m) return `must be ${m[1]} or less`;
  if (/valid integer/.test(text)) return "must be a whole number";
  if (/valid number/.test(text)) return "must be a number";
  if (/required|missing/i.test(text)) return "is needed";
  if (/at least \d+ characters?|too short|empty/i.test(text)) return "is empty";
  if (/at most \d+ characters?|too long/i.test(text)) return "is too long";
  return "has a value that cannot be used";
}

function fieldName(loc) {
  const names = (loc || []).filter((p) => typeof p === "string" && !["body", "case", "path", "query"].includes(p));
  const last = names[names.length - 1];
  if (!last) return "Something you entered";
  return FIELD_NAMES[last] || last.charAt(0).toUpperCase() + last.slice(1).replaceAll("_", " ");
}

/** Server errors in plain words: no field paths, codes or library messages. */
export function describe(status, body) {
  const detail = body && body.detail;
  if (status === 422 && Array.isArray(detail)) {
    return [...new Set(detail.map((d) => `${fieldName(d.loc)} ${plainMessage(d.msg)}.`))].join(" ");
  }
  if (status === 401) return "The API token was refused. Check it and try again.";
  if (status === 403) return "Your account does not have access to this. Ask your administrator for access.";
  if (status === 404) return "That record was not found. It may have been removed.";
  if (status === 409) return "That reference is already in use.";
  if (status === 413) return "That is too long to send. Please shorten it.";
  if (status === 503 || status === 507) return "Records cannot be saved just now (the database is read-only or full). Please tell your administrator.";
  if (status >= 500) return "Something went wrong on the server. Please try again.";
  return "The request could not be completed. Please check what you entered.";
}

/** Call an endpoint; JSON in and out. Throws ApiError with a readable message. */
export async function call(method, path, body, { auth = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) headers.Authorization = `Bearer ${token.get()}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, "The nerveroot server could not be reached.", String(err));
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, describe(response.status, data), data);
  return data;
}

export const get = (path, opts) => call("GET", path, undefined, opts);
export const post = (path, body, opts) => call("POST", path, body, opts);

const kbCache = new Map();

/** GET /api/kb/{kind}, cached for the page's lifetime (the knowledge base is read-only). */
export function kb(kind) {
  if (!kbCache.has(kind)) {
    const pending = get(`/api/kb/${encodeURIComponent(kind)}`);
    pending.catch(() => kbCache.delete(kind));
    kbCache.set(kind, pending);
  }
  return kbCache.get(kind);
}
