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

function describe(status, body) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
  }
  if (typeof detail === "string") return detail;
  if (status === 401) return "The API token was refused. Check it and try again.";
  return `The server answered ${status}.`;
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
