// One file's upload, from ticket to verified: ask the app for a ticket, send the bytes straight
// to storage (one presigned POST, or multipart), then ask the app to verify. Small files
// (one POST) ask and verify through the uploader's Batcher, with other files, when it has one. Resumes what the
// server still holds of an earlier attempt, offering it first when found by matching the file.
// Events on the job: "state" (job.state; job.error when failed, job.offer when paused),
// "progress" (job.loaded, never backwards), "reset" (progress back to 0), "complete"
// (detail.upload: the app's answer).
import { UploadCancelled, UserFacingError } from "./errors.js";
import { MultipartUpload } from "./multipart.js";
import { findUnfinished, storedParts } from "./resume.js";
import { Transfer } from "./transport.js";
import { typeEssence } from "./types.js";

export const RUNNING_STATES = new Set(["starting", "uploading", "verifying"]);
export const ACTIVE_STATES = new Set(["waiting", ...RUNNING_STATES]);

export class UploadJob extends EventTarget {
  // `config`: createUrl, listUrl, multipartThreshold and a form field's rules token, from the
  // uploader's data attributes. `batcher`: shared by the uploader's small files, or null.
  constructor({ file, visibility, api, config, batcher = null }) {
    super();
    this.file = file;
    this.visibility = visibility;
    this.api = api;
    this.config = config;
    this.batcher = batcher;
    this.uploadId = null;
    this.state = "waiting";
    this.loaded = 0;
    this.error = null;
    this.permanent = false;
    this.links = null; // the upload's URLs (self, complete, cancel, parts), once the app has one
    this.ticket = null;
    this.resumeFrom = null; // {plan, stored} to carry on from
    this.offer = null; // an unfinished upload found, awaiting Resume or Start over
    this.skipResumeCheck = false;
    this.retrying = false; // asking storage which parts it holds before a retry
    this.controller = new AbortController();
  }

  // Started, sent and verified with other small files.
  get batched() {
    return this.batcher !== null && this.file.size <= this.config.multipartThreshold;
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state"));
  }

  progress(loaded) {
    if (loaded < this.loaded) return;
    this.loaded = loaded;
    this.dispatchEvent(new CustomEvent("progress"));
  }

  resetProgress() {
    this.loaded = 0;
    this.dispatchEvent(new CustomEvent("reset"));
  }

  fail(message, permanent = true) {
    this.error = message;
    this.permanent = permanent;
    this.setState("failed");
  }

  // What the queue starts. Never throws: the outcome is the job's state.
  async run() {
    this.controller = new AbortController();
    this.permanent = false;
    this.error = null;
    try {
      this.setState("starting");
      let resumeFrom = this.resumeFrom;
      this.resumeFrom = null;
      if (!resumeFrom && !this.skipResumeCheck && this.file.size > this.config.multipartThreshold) {
        const unfinished = await findUnfinished({
          api: this.api,
          listUrl: this.config.listUrl,
          file: this.file,
          visibility: this.visibility,
          signal: this.controller.signal,
          subject: this,
        });
        if (unfinished) {
          this.offerResume(unfinished);
          return;
        }
      }
      if (!resumeFrom) await this.requestTicket();
      if (resumeFrom) {
        this.setState("uploading");
        await this.sendParts(resumeFrom);
      } else if (this.ticket.method === "multipart") {
        this.setState("uploading");
        await this.sendParts({ plan: this.ticket, stored: new Map() });
      } else if (this.batched) {
        // Still "starting" while other small files hold the places for POSTs to storage.
        await this.batcher.post(this.controller.signal, () => {
          this.setState("uploading");
          return this.sendForm();
        });
      } else {
        this.setState("uploading");
        await this.sendForm();
      }
      this.setState("verifying");
      const upload = this.batched
        ? await this.batcher.complete(this.uploadId, this)
        : await this.api.request("POST", this.links.complete, {
            signal: this.controller.signal,
            subject: this,
          });
      if (this.state === "cancelled") return;
      this.progress(this.file.size);
      this.setState("done");
      this.dispatchEvent(new CustomEvent("complete", { detail: { upload } }));
    } catch (error) {
      if (error instanceof UploadCancelled || this.state === "cancelled") return;
      // Lost connections, outages and conflicts may pass: those keep a Retry button.
      this.fail(error.message || "The upload failed.", Boolean(error.permanent));
    }
  }

  async requestTicket() {
    const file = this.file;
    const body = {
      filename: file.name,
      content_type: typeEssence(file.type),
      size: file.size,
      visibility: this.visibility,
      last_modified: file.lastModified,
      // A form field's signed rules (types, size, folder), when the uploader is its widget.
      ...(this.config.rules ? { rules: this.config.rules } : {}),
    };
    const created = this.batched
      ? await this.batcher.start(body, this)
      : await this.api.request("POST", this.config.createUrl, {
          body,
          signal: this.controller.signal,
          subject: this,
        });
    if (this.state === "cancelled") {
      await this.cancelOnServer(created.links.cancel);
      throw new UploadCancelled();
    }
    const ticket = created.upload;
    const known =
      ticket &&
      ((ticket.method === "POST" && ticket.url && ticket.fields) ||
        (ticket.method === "multipart" &&
          created.links.parts &&
          ticket.part_size > 0 &&
          ticket.part_count > 0));
    if (!known) {
      throw new UserFacingError("The app answered in a way this page does not understand.");
    }
    this.uploadId = created.id;
    this.links = created.links;
    this.ticket = ticket;
  }

  async sendForm() {
    try {
      await this.postForm();
    } catch (error) {
      if (!(error instanceof UserFacingError && error.retryTicket)) throw error;
      // The ticket expired before the bytes went up: get a fresh one, quietly.
      await this.requestTicket();
      await this.postForm();
    }
  }

  postForm() {
    const form = new FormData();
    for (const [name, value] of Object.entries(this.ticket.fields)) form.append(name, value);
    form.append("file", this.file);
    const transfer = new Transfer(this.ticket.method, this.ticket.url, form);
    transfer.addEventListener("progress", (event) => {
      const { loaded, total } = event.detail;
      // The form's envelope adds a few hundred bytes; scale to the file's own size.
      if (total) this.progress(Math.floor((loaded / total) * this.file.size));
    });
    return transfer.send(this.controller.signal);
  }

  sendParts({ plan, stored }) {
    const multipart = new MultipartUpload({
      api: this.api,
      file: this.file,
      plan,
      partsUrl: this.links.parts,
      stored,
      signal: this.controller.signal,
      subject: this,
    });
    multipart.addEventListener("progress", (event) => this.progress(event.detail.loaded));
    return multipart.send();
  }

  async cancel() {
    if (!ACTIVE_STATES.has(this.state)) return;
    const wasStarted = this.state !== "waiting";
    this.setState("cancelled");
    this.controller.abort();
    if (wasStarted && this.links) await this.cancelOnServer(this.links.cancel);
  }

  async cancelOnServer(url) {
    try {
      await this.api.request("POST", url);
    } catch {
      // The server sweeps pending uploads it never hears about again.
    }
  }

  async retry() {
    if (this.state !== "failed" || this.retrying) return;
    this.resetProgress();
    if (this.ticket && this.ticket.method === "multipart" && this.links) {
      // Keep the parts already in storage: carry on from where it stopped. A second click
      // while storage is asked must not start the upload twice.
      this.retrying = true;
      const parts = await storedParts(this.api, this.links.parts).finally(() => {
        this.retrying = false;
      });
      if (parts) {
        this.resumeFrom = parts;
        this.setState("waiting");
        return;
      }
    }
    // A fresh upload replaces the failed one; free what the old one may hold on the server.
    if (this.links) this.cancelOnServer(this.links.cancel);
    this.links = null;
    this.ticket = null;
    this.uploadId = null;
    this.setState("waiting");
  }

  offerResume(unfinished) {
    this.offer = unfinished;
    let stored = 0;
    for (const size of unfinished.stored.values()) stored += size;
    this.progress(stored);
    this.setState("paused");
  }

  resume() {
    if (this.state !== "paused") return;
    this.links = this.offer.links;
    this.ticket = { method: "multipart", ...this.offer.plan };
    this.resumeFrom = this.offer;
    this.offer = null;
    this.setState("waiting");
  }

  restart() {
    if (this.state !== "paused") return;
    this.cancelOnServer(this.offer.links.cancel);
    this.offer = null;
    this.skipResumeCheck = true;
    this.resetProgress();
    this.setState("waiting");
  }
}
