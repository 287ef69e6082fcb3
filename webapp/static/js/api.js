// The JSON APIs: reads go to this origin (the query side), writes to the command side.

const TOKEN_KEY = "visa.token";
const ME_KEY = "visa.attorney";
const commandBase = (document.querySelector('meta[name="visa-command-url"]')?.content || "").replace(/\/$/, "");

export class ApiError extends Error {
  constructor(status, body, headers) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.code = (body && body.error) || "error";
    this.details = (body && body.details) || {};
    this.body = body || {};
    const retryAfter = headers && headers.get("Retry-After");
    this.retryAfterSeconds = retryAfter ? retryAfterSeconds(retryAfter) : null;
  }

  get unavailable() {
    // The endpoint itself is missing (not a missing record): a feature this server lacks.
    return this.status === 405 || this.status === 501 ||
      (this.status === 404 && /requested URL was not found/i.test(this.message));
  }
}

function retryAfterSeconds(value) {
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000));
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get attorney() {
    try { return JSON.parse(sessionStorage.getItem(ME_KEY) || "null"); } catch { return null; }
  },
  get isAdmin() { return this.attorney?.role === "admin"; },
  get canWrite() { return ["admin", "attorney"].includes(this.attorney?.role); },
  save(token, attorney) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(ME_KEY, JSON.stringify(attorney));
  },
  clear() {
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith("visa.")) sessionStorage.removeItem(key);
    }
  },
};

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

// Every tab of this browser shares one sign-in: the access token stays in this tab's
// sessionStorage, and a new tab (or an expired token) gets a fresh one from the httpOnly,
// SameSite=Strict refresh cookie, which scripts never see.
export const sessionChannel = typeof BroadcastChannel === "function" ? new BroadcastChannel("visa.session") : null;
let refreshing = null;

export function refreshSession() {
  refreshing ||= (async () => {
    try {
      const response = await fetch(`${commandBase}/v1/auth/refresh`, {
        method: "POST", credentials: "include", headers: { Accept: "application/json", "X-Visa-CSRF": "1" } });
      if (!response.ok) return false;
      const data = await response.json();
      session.save(data.access_token, data.attorney);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// Reads the command side answers itself (the firm's attorneys are kept there).
const COMMAND_READS = [/^\/v1\/attorneys/, /^\/v1\/openapi\.json$/];

async function call(method, path, { body, headers = {}, raw = false, retried = false } = {}) {
  const read = method === "GET" || method === "HEAD";
  const base = read && !COMMAND_READS.some((p) => p.test(path)) ? "" : commandBase;
  const signIn = path.startsWith("/v1/auth/");
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (signIn) init.credentials = "include"; // the refresh cookie is set and ended there
  if (session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(base + path, init);
  } catch {
    throw new ApiError(0, { error: "network_error", message: "The server cannot be reached. Check your connection and try again." });
  }
  if (raw && response.ok) return response;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers);
    if (response.status === 401 && path !== "/v1/auth/login") {
      if (!retried && await refreshSession()) return call(method, path, { body, headers, raw, retried: true });
      onUnauthorized(error);
    }
    throw error;
  }
  return { data, etag: response.headers.get("ETag"), status: response.status, headers: response.headers };
}

export const api = {
  get: (path, params) => call("GET", withQuery(path, params)),
  post: (path, body, headers) => call("POST", path, { body, headers }),
  patch: (path, body, headers) => call("PATCH", path, { body, headers }),
  delete: (path, headers) => call("DELETE", path, { headers }),
  download: (path, accept) => call("GET", path, { headers: { Accept: accept }, raw: true }),
};

export function withQuery(path, params) {
  if (!params) return path;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export function newIdempotencyKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
