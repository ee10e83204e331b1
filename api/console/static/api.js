/**
 * The console's calls to the responder API.
 *
 * Why a bearer header and no cookie: the token lives in this tab's sessionStorage and goes out
 * only as `Authorization: Bearer`, which a page of another site cannot make the browser add.
 * With no cookie there is no ambient credential, so a cross-site form or request (CSRF) reaches
 * the API unauthenticated and is refused with 401. sessionStorage is cleared when the tab closes.
 */
const KEY = 'vigil.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused call: the API's status, error code and message (with every field at fault). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the API; resolves to its JSON body, or throws ApiError with the API's own error text. */
export async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'omit',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `the API did not answer: ${err.message}`);
  }
  const raw = await res.text();
  let data = {};
  try {
    data = raw ? JSON.parse(raw) : {};
  } catch {
    data = {};
  }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    const fields = Array.isArray(e.fields) && e.fields.length > 0 ? ` (${e.fields.map((f) => `${f.field} ${f.message}`).join('; ')})` : '';
    throw new ApiError(res.status, e.code || `HTTP ${res.status}`, `${e.message || res.statusText || 'the request failed'}${fields}`);
  }
  return data;
}

/** `/api/x` + `?a=1&b=2` from an object, leaving out empty values. */
export function withQuery(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
