// Content-MD5 digests of file slices (multipart parts), computed in Web Workers with hash-wasm's
// MD5 (WebAssembly; WebCrypto has no MD5), so the page's main thread never hashes and parts are
// hashed ahead while others are on their way. One pool per page, its workers started when first
// needed. Each worker is a classic one started from a blob that loads hash-wasm and
// hash-worker.js by URL, because a worker's own script must come from the page's origin and
// static files may not (USE_S3_STATIC): the page's CSP needs worker-src blob: and
// 'wasm-unsafe-eval' in script-src (inherited by blob workers).
import { UploadCancelled, UserFacingError } from "./errors.js";

const HASH_WASM = new URL("../vendor/hash-wasm-4.13.0-md5.umd.min.js", import.meta.url).href;
const BODY = new URL("./hash-worker.js", import.meta.url).href;

// Half the cores, 1 to 4: hashing runs ~350 MiB/s per worker, faster than most uplinks, and the
// other cores send the bytes (on a laptop the browser shares them with everything else).
function defaultSize() {
  return Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2)));
}

export class HashPool {
  constructor(size = defaultSize()) {
    this.size = size;
    this.idle = [];
    this.started = 0;
    this.queue = []; // jobs waiting for a worker: {blob, signal, resolve, reject}
    this.running = new Map(); // worker → its job
    this.nextId = 0;
  }

  // The base64 MD5 of `blob`. A job still queued when `signal` aborts is dropped unhashed.
  md5(blob, signal = null) {
    return new Promise((resolve, reject) => {
      this.queue.push({ blob, signal, resolve, reject });
      this.dispatch();
    });
  }

  dispatch() {
    while (this.queue.length > 0) {
      const job = this.queue.shift();
      if (job.signal && job.signal.aborted) {
        job.reject(new UploadCancelled());
        continue;
      }
      const worker = this.idle.pop() || (this.started < this.size ? this.start() : null);
      if (!worker) {
        this.queue.unshift(job);
        return;
      }
      this.running.set(worker, job);
      worker.postMessage({ id: (this.nextId += 1), blob: job.blob });
    }
  }

  start() {
    const source = `importScripts(${JSON.stringify(HASH_WASM)}, ${JSON.stringify(BODY)});`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    this.started += 1;
    worker.addEventListener("message", (event) => {
      const job = this.running.get(worker);
      this.running.delete(worker);
      this.idle.push(worker);
      if (event.data.error) job.reject(this.failure(event.data.error));
      else job.resolve(event.data.digest);
      this.dispatch();
    });
    // The worker could not start (its scripts blocked or missing): it is replaced by the next
    // job's, and the job it held fails.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      const job = this.running.get(worker);
      this.running.delete(worker);
      this.started -= 1;
      worker.terminate();
      if (job) job.reject(this.failure(event.message));
      this.dispatch();
    });
    return worker;
  }

  failure(reason) {
    return new UserFacingError(`The file could not be read to check its parts (${reason}).`, {
      permanent: true,
    });
  }
}

let shared = null;

export function hashPool() {
  shared = shared || new HashPool();
  return shared;
}
