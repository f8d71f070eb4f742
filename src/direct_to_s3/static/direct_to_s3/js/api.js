// The app's JSON API: CSRF header, JSON bodies, errors as UserFacingError, and 429s waited out.
// A 429 pauses every request of the page (the limit is per user, so the others would meet it
// too) until its Retry-After has passed; then they carry on by themselves.
// Events on the client: "rate-limited" (a pause begins; detail.seconds), and for each request
// held by a pause "wait-start", "wait-tick" (every 250 ms) and "wait-end", detail.subject being
// what the caller said the request is for (an upload), or null; a request for several (a batch)
// names them in a list, and the events come once for each.
import { UploadCancelled, UserFacingError } from "./errors.js";

const RETRY_AFTER_FALLBACK = 5; // seconds to wait on a 429 that does not say
const TICK_MS = 250;

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

// Retry-After is whole seconds or an HTTP date; wait at least a second either way.
export function retryAfterSeconds(header) {
  const value = (header || "").trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.max(1, Number(value));
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.max(1, (date - Date.now()) / 1000);
  return RETRY_AFTER_FALLBACK;
}

export class ApiClient extends EventTarget {
  constructor({ csrfToken }) {
    super();
    this.csrfToken = csrfToken;
    this.pausedUntil = 0; // Date.now() until which requests wait
  }

  // `signal`: cancels the request while it waits out a pause (not once it is sent: the app
  // may already be acting on it). `subject`: named in the wait events.
  async request(method, url, { body, signal = null, subject = null } = {}) {
    let response;
    for (;;) {
      await this.waitOutPause(signal, subject);
      try {
        response = await fetch(url, {
          method,
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch {
        throw new UserFacingError("The app cannot be reached. Check your network, then retry.");
      }
      if (response.status !== 429) break;
      // A limit against abuse, not against this file: wait as told, then ask again.
      this.pauseFor(retryAfterSeconds(response.headers.get("Retry-After")));
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      // Validation errors will not change on retry; conflicts and outages might.
      throw new UserFacingError(
        data.error || `The app answered with an error (HTTP ${response.status}).`,
        { permanent: response.status === 400 },
      );
    }
    return data;
  }

  pauseLeft() {
    return Math.max(0, Math.ceil((this.pausedUntil - Date.now()) / 1000));
  }

  pauseFor(seconds) {
    const until = Date.now() + seconds * 1000;
    if (until <= this.pausedUntil) return;
    const starting = this.pauseLeft() === 0;
    this.pausedUntil = until;
    if (starting) this.emit("rate-limited", { seconds: this.pauseLeft() });
  }

  async waitOutPause(signal, subject) {
    if (this.pauseLeft() === 0) return;
    const subjects = Array.isArray(subject) ? subject : [subject];
    const each = (type, detail = {}) => {
      for (const one of subjects) this.emit(type, { subject: one, ...detail });
    };
    each("wait-start");
    try {
      while (this.pauseLeft() > 0) {
        if (signal && signal.aborted) throw new UploadCancelled();
        each("wait-tick", { seconds: this.pauseLeft() });
        await sleep(Math.min(TICK_MS, this.pausedUntil - Date.now()));
      }
    } finally {
      each("wait-end");
    }
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

