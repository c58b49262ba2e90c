// The node's admin API as the dashboard calls it: the bearer token kept in the tab's session, JSON
// calls, and the event stream read with fetch() (EventSource cannot send an Authorization header).

const TOKEN_KEY = 'mqttlb.adminToken';
const RECONNECT_MILLIS = 2000;

/** The node refused the token (or wants one): the page asks for it again. */
export class Unauthorized extends Error {}

/** The node answered a 4xx or 5xx with its {"error": ...} message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function hasToken() {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra) {
  const all = { ...extra };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    all.Authorization = `Bearer ${token}`;
  }
  return all;
}

/** One call; resolves to the JSON answer, rejects with Unauthorized or ApiError. */
export async function call(method, path, body) {
  const init = { method, cache: 'no-store', headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status says enough
  }
  if (response.status === 401) {
    throw new Unauthorized(json?.error ?? 'unauthorized');
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.error ?? `HTTP ${response.status}`);
  }
  return json;
}

/** A path segment: keys and ids may hold '/', '?', '#' or spaces. */
export function segment(text) {
  return encodeURIComponent(text);
}

/**
 * Follows GET /api/v1/events as server-sent events until stopped: onEvent(event) for each, in order;
 * onState('live' | 'reconnecting') as the stream comes and goes; onUnauthorized() when the token is
 * refused (following stops). After a break it reconnects with Last-Event-ID, so the node sends only
 * what was missed. Returns the function that stops following.
 */
export function followEvents({ onEvent, onState, onUnauthorized }) {
  let last = null;
  let stopped = false;
  let controller = null;
  (async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const request = headers({ Accept: 'text/event-stream' });
        if (last !== null) {
          request['Last-Event-ID'] = String(last);
        }
        const response = await fetch('/api/v1/events', { headers: request, cache: 'no-store', signal: controller.signal });
        if (response.status === 401) {
          stopped = true;
          onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) {
          throw new Error(`events: HTTP ${response.status}`);
        }
        onState('live');
        await readEvents(response.body, (id, data) => {
          last = id;
          onEvent(JSON.parse(data));
        });
      } catch {
        // the node went away or the stream broke: try again below
      }
      if (!stopped) {
        onState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MILLIS));
      }
    }
  })();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** Parses the text/event-stream format: blocks separated by a blank line, "field: value" lines. */
async function readEvents(body, onMessage) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id = null;
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          continue; // a comment: the node's keep-alive
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') {
          id = text;
        } else if (field === 'data') {
          data.push(text);
        }
      }
      if (data.length > 0) {
        onMessage(id, data.join('\n'));
      }
    }
  }
}
