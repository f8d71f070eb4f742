// Small files started and completed in batches: what jobs ask for while a batch request is
// under way, or within BATCH_DELAY_MS, goes to the app as the next request of its lane, at
// most `limit` items each. Each job still gets its own answer (or its own error), exactly as
// the single endpoints would have given it; a 429 holds the whole batch (api.js) and the rows
// of every file in it.
import { UploadCancelled, UserFacingError } from "./errors.js";

const BATCH_DELAY_MS = 20; // how long a lone request waits for others to join it
// S3 POSTs of small files at once (see the README's benchmark: more than this gained nothing).
export const PARALLEL_POSTS = 6;

class Lane {
  // `field`: the request's list ("uploads" or "ids"); `lanes`: batch requests at once.
  constructor({ api, url, field, limit, lanes = 2 }) {
    Object.assign(this, { api, url, field, limit, lanes });
    this.waiting = []; // {item, subject, resolve, reject}
    this.inFlight = 0;
    this.timer = null;
  }

  add(item, subject) {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, subject, resolve, reject });
      this.schedule();
    });
  }

  schedule() {
    if (this.waiting.length === 0 || this.inFlight >= this.lanes) return;
    if (this.waiting.length >= this.limit || this.inFlight === 0) {
      // A full batch goes now; a first one after a moment, for the files dropped with it.
      if (this.waiting.length >= this.limit) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), BATCH_DELAY_MS);
    }
  }

  async flush() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.waiting.length === 0 || this.inFlight >= this.lanes) return;
    const batch = this.waiting.splice(0, this.limit);
    this.inFlight += 1;
    try {
      const answer = await this.api.request("POST", this.url, {
        body: { [this.field]: batch.map((entry) => entry.item) },
        subject: batch.map((entry) => entry.subject),
      });
      batch.forEach((entry, index) => settle(entry, answer.results && answer.results[index]));
    } catch (error) {
      if (error.permanent && batch.length > 1) {
        // Items are refused one by one, so a 400 for the whole batch says it is longer than
        // the app takes now (its limit went down since the page loaded): send fewer at a time.
        this.limit = Math.max(1, Math.floor(batch.length / 2));
        this.waiting.unshift(...batch);
      } else {
        for (const entry of batch) entry.reject(error);
      }
    } finally {
      this.inFlight -= 1;
      // What arrived meanwhile goes at once: it has waited a whole request already.
      if (this.waiting.length > 0) this.flush();
    }
  }
}

function settle(entry, result) {
  if (!result || typeof result.status !== "number" || !result.body) {
    entry.reject(new UserFacingError("The app answered in a way this page does not understand."));
  } else if (result.status >= 200 && result.status < 300) {
    entry.resolve(result.body);
  } else {
    entry.reject(
      new UserFacingError(
        result.body.error || `The app answered with an error (HTTP ${result.status}).`,
        { permanent: result.status === 400 },
      ),
    );
  }
}

// At most `count` holders at once; waiting holders leave when their signal aborts.
class Slots {
  constructor(count) {
    this.free = count;
    this.waiting = [];
  }

  acquire(signal) {
    if (signal.aborted) return Promise.reject(new UploadCancelled());
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject };
      this.waiting.push(entry);
      signal.addEventListener("abort", () => {
        this.waiting = this.waiting.filter((other) => other !== entry);
        reject(new UploadCancelled());
      });
    });
  }

  release() {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.free += 1;
  }
}

export class Batcher {
  constructor({ api, startUrl, completeUrl, limit }) {
    this.starts = new Lane({ api, url: startUrl, field: "uploads", limit });
    this.completes = new Lane({ api, url: completeUrl, field: "ids", limit });
    this.posts = new Slots(PARALLEL_POSTS);
  }

  // What POST /api/uploads answers for this body (the created upload and its ticket).
  start(body, subject) {
    return this.starts.add(body, subject);
  }

  // What POST links.complete answers for this upload.
  complete(uploadId, subject) {
    return this.completes.add(uploadId, subject);
  }

  // Runs `send` (a small file's POST to storage) when one of PARALLEL_POSTS places is free.
  async post(signal, send) {
    await this.posts.acquire(signal);
    try {
      return await send();
    } finally {
      this.posts.release();
    }
  }
}
