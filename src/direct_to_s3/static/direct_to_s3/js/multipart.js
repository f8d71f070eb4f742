// A multipart upload to storage, following the server's part plan (`part_size`, `part_count`
// from the ticket or the stored-parts listing; the browser never works out a plan itself).
// Parts are signed in batches as they are needed, PART_PARALLEL are in flight, each with a
// Content-MD5 that storage checks (hashed in workers, HASH_AHEAD parts ahead of their turn),
// retried with backoff when the connection drops or storage falters, and re-signed at once when
// its URL expired. Dispatches "progress" (detail.loaded: finished parts plus the bytes of those
// still on their way).
import { UploadCancelled, UserFacingError } from "./errors.js";
import { hashPool } from "./hashing.js";
import { Transfer } from "./transport.js";

const PART_PARALLEL = 4; // parts of one file in flight at once
const SIGN_BATCH = 16; // parts signed per request (the API allows up to 100)
const PART_ATTEMPTS = 4; // tries per part on lost connections and storage outages
const HASH_AHEAD = PART_PARALLEL; // parts hashed before their turn, so a PUT never waits for one

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export class MultipartUpload extends EventTarget {
  // `plan`: {part_size, part_count}; `partsUrl`: where parts are signed; `stored`: part number →
  // size of the parts storage already holds (a resumed upload); `subject`: for the API's events.
  // `hashes`: a HashPool (hashing.js; the page's own by default).
  constructor({ api, file, plan, partsUrl, stored = new Map(), signal, subject, hashes }) {
    super();
    hashes = hashes || hashPool();
    Object.assign(this, { api, file, plan, partsUrl, stored, signal, subject, hashes });
  }

  // The bytes of part `number`: the one place the plan becomes byte offsets.
  part(number) {
    const start = (number - 1) * this.plan.part_size;
    return this.file.slice(start, Math.min(this.file.size, start + this.plan.part_size));
  }

  async send() {
    const missing = [];
    for (let number = 1; number <= this.plan.part_count; number += 1) {
      if (!this.stored.has(number)) missing.push(number);
    }
    let finishedBytes = 0;
    for (const size of this.stored.values()) finishedBytes += size;
    const position = new Map(missing.map((number, index) => [number, index]));
    const urls = new Map(); // part number → signed PUT URL
    const batches = new Map(); // batch index → the request signing it
    const sending = new Map(); // part number → bytes of it sent so far
    const digests = new Map(); // part number → its Content-MD5, on its way from the pool
    // The first real failure stops the other parts too.
    const stop = new AbortController();
    const signal = AbortSignal.any([this.signal, stop.signal]);
    let next = 0;
    let failure = null;

    const report = () => {
      let loaded = finishedBytes;
      for (const bytes of sending.values()) loaded += bytes;
      this.dispatchEvent(new CustomEvent("progress", { detail: { loaded } }));
    };
    const stillWanted = () => {
      if (this.signal.aborted) throw new UploadCancelled();
      if (failure) throw failure;
    };
    const sign = async (numbers) => {
      const answer = await this.api.request("POST", this.partsUrl, {
        body: { part_numbers: numbers },
        signal: this.signal,
        subject: this.subject,
      });
      for (const part of answer.parts || []) urls.set(part.part_number, part.url);
    };
    const urlFor = async (number) => {
      const batch = Math.floor(position.get(number) / SIGN_BATCH);
      if (!batches.has(batch)) {
        batches.set(batch, sign(missing.slice(batch * SIGN_BATCH, (batch + 1) * SIGN_BATCH)));
      }
      await batches.get(batch);
      if (!urls.has(number)) throw new UserFacingError(`Part ${number} could not be signed.`);
      return urls.get(number);
    };
    const digestOf = (number) => {
      if (!digests.has(number)) {
        const digest = this.hashes.md5(this.part(number), signal);
        digest.catch(() => {}); // awaited when the part is sent; an unsent part fails nothing
        digests.set(number, digest);
      }
      return digests.get(number);
    };
    const sendPart = async (number) => {
      // The workers read the slice to hash it; the PUT sends the slice itself, streamed from
      // the file, so no part is held in memory while it travels.
      const part = this.part(number);
      const at = position.get(number);
      for (const ahead of missing.slice(at + 1, at + 1 + HASH_AHEAD)) digestOf(ahead);
      const [md5, signedUrl] = await Promise.all([digestOf(number), urlFor(number)]);
      digests.delete(number);
      let url = signedUrl;
      for (let attempt = 1; ; attempt += 1) {
        stillWanted();
        const transfer = new Transfer("PUT", url, part, { "Content-MD5": md5 });
        transfer.addEventListener("progress", (event) => {
          sending.set(number, event.detail.loaded);
          report();
        });
        try {
          await transfer.send(signal);
          sending.delete(number);
          finishedBytes += part.size;
          report();
          return;
        } catch (error) {
          sending.delete(number);
          if (error instanceof UploadCancelled || error.permanent) throw error;
          if (attempt >= PART_ATTEMPTS) throw error;
          if (error.retryTicket) {
            await sign([number]); // its URL expired: a fresh one, at once
          } else {
            await sleep(500 * 2 ** attempt);
          }
          url = urls.get(number);
        }
      }
    };
    const worker = async () => {
      while (next < missing.length) {
        stillWanted();
        const number = missing[next];
        next += 1;
        await sendPart(number);
      }
    };

    report();
    const workers = Array.from({ length: Math.min(PART_PARALLEL, missing.length) }, () =>
      worker().catch((error) => {
        if (!failure && !(error instanceof UploadCancelled)) {
          failure = error;
          stop.abort();
        }
        throw error;
      }),
    );
    const results = await Promise.allSettled(workers);
    if (this.signal.aborted) throw new UploadCancelled();
    if (failure) throw failure;
    const rejected = results.find((result) => result.status === "rejected");
    if (rejected) throw rejected.reason;
  }
}
