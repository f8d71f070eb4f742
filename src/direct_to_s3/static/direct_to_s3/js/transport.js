// One request to storage with upload progress: a presigned POST form or a part's PUT.
// XHR, not fetch: fetch reports no upload progress. Dispatches "progress" events (detail.loaded,
// detail.total, 0 when unknown); send() resolves on a 2xx, rejects with a UserFacingError from
// storage's answer, or with UploadCancelled once the signal aborts.
import { UploadCancelled, storageError } from "./errors.js";

export class Transfer extends EventTarget {
  constructor(method, url, body, headers = {}) {
    super();
    this.method = method;
    this.url = url;
    this.body = body;
    this.headers = headers;
  }

  send(signal) {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new UploadCancelled());
        return;
      }
      const xhr = new XMLHttpRequest();
      const abort = () => xhr.abort();
      const settle = (outcome, value) => {
        signal.removeEventListener("abort", abort);
        outcome(value);
      };
      signal.addEventListener("abort", abort);
      xhr.open(this.method, this.url);
      for (const [name, value] of Object.entries(this.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.addEventListener("progress", (event) => {
        const total = event.lengthComputable ? event.total : 0;
        this.dispatchEvent(new CustomEvent("progress", { detail: { loaded: event.loaded, total } }));
      });
      xhr.addEventListener("load", () => {
        if (xhr.status >= 200 && xhr.status < 300) settle(resolve);
        else settle(reject, storageError(xhr.status, xhr.responseText));
      });
      xhr.addEventListener("error", () => settle(reject, storageError(0, "")));
      xhr.addEventListener("abort", () => settle(reject, new UploadCancelled()));
      xhr.send(this.body);
    });
  }
}
