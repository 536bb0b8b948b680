// api.js: the console's JSON API. Same origin, with the session cookie;
// POST bodies are JSON (the server refuses anything else). A refusal by the
// console itself (no session) ends the page: the officer needs a new link.
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code ? body.code : '';
    this.field = body && body.field ? body.field : '';
  }
}

let onSessionLost = () => {};
export function whenSessionLost(fn) { onSessionLost = fn; }

async function answer(r) {
  const type = r.headers.get('Content-Type') || '';
  if (type.startsWith('application/json')) {
    const body = await r.json();
    if (r.ok) return body;
    throw new ApiError(r.status, body);
  }
  if (r.status === 403) onSessionLost();
  throw new ApiError(r.status, { error: (await r.text()).trim(), code: 'console' });
}

export async function get(path, params) {
  let url = path;
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  return answer(await fetch(url, { credentials: 'same-origin' }));
}

export async function post(path, body) {
  return answer(await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body || {}),
  }));
}
