// The queue on the page: a row per upload (state, progress, speed, buttons), one summary line
// over them, and announcements for screen readers (the aria-live announcer).
import { formatBytes, formatDuration } from "./format.js";
import { ACTIVE_STATES } from "./job.js";

const STATE_LABELS = {
  waiting: "Waiting",
  starting: "Starting",
  uploading: "Uploading",
  verifying: "Verifying",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
  paused: "Unfinished",
};
const SPEED_WINDOW_MS = 3000;

class Row {
  constructor(view, job) {
    this.job = job;
    this.element = view.template.content.firstElementChild.cloneNode(true);
    this.samples = []; // [time, bytes] over the last few seconds, for the speed
    this.rate = 0;
    this.holds = 0; // requests of this upload waiting out a rate limit
    const file = job.file;
    this.find("[data-name]").textContent = file.name;
    this.find("[data-size]").textContent = formatBytes(file.size);
    this.find("[data-visibility]").textContent = job.visibility === "public" ? "Public" : "Private";
    this.find("[data-cancel]").addEventListener("click", () => job.cancel());
    this.find("[data-retry]").addEventListener("click", () => job.retry());
    this.find("[data-resume]").addEventListener("click", () => job.resume());
    this.find("[data-restart]").addEventListener("click", () => job.restart());
    this.find("[data-dismiss]").addEventListener("click", () => view.queue.remove(job));
  }

  find(selector) {
    return this.element.querySelector(selector);
  }

  showState() {
    const { state } = this.job;
    this.element.dataset.state = state;
    this.find("[data-state-label]").textContent = STATE_LABELS[state];
    this.find("[data-cancel]").hidden = !ACTIVE_STATES.has(state);
    this.find("[data-retry]").hidden = state !== "failed" || this.job.permanent;
    this.find("[data-dismiss]").hidden = ACTIVE_STATES.has(state);
    this.find("[data-resume]").hidden = state !== "paused";
    this.find("[data-restart]").hidden = state !== "paused";
    this.find("[data-note]").hidden = state !== "paused";
    if (!ACTIVE_STATES.has(state)) {
      this.rate = 0;
      this.find("[data-speed]").textContent = "";
    }
    if (state === "starting") {
      this.samples = [];
      this.find("[data-error]").hidden = true;
    }
    if (state === "failed") {
      const error = this.find("[data-error]");
      error.textContent = this.job.error;
      error.hidden = false;
    }
    if (state === "paused") this.find("[data-note]").textContent = this.offerText();
  }

  offerText() {
    const { offer } = this.job;
    return (
      `An unfinished upload of this file was found: ${this.percentStored()} % ` +
      `(${offer.stored.size} of ${offer.plan.part_count} parts) is already in storage.`
    );
  }

  percentStored() {
    return Math.floor((this.job.loaded / this.job.file.size) * 100);
  }

  showProgress() {
    const loaded = this.job.loaded;
    const total = this.job.file.size || 1;
    const percent = Math.min(100, Math.floor((loaded / total) * 100));
    this.find("[data-progress]").value = percent;
    this.find("[data-percent]").textContent = `${percent} %`;
    const now = performance.now();
    this.samples.push([now, loaded]);
    while (this.samples.length > 2 && now - this.samples[0][0] > SPEED_WINDOW_MS) {
      this.samples.shift();
    }
    const [startTime, startBytes] = this.samples[0];
    const seconds = (now - startTime) / 1000;
    if (seconds > 0.2) {
      this.rate = (loaded - startBytes) / seconds;
      const left = this.rate > 0 ? ` · ${formatDuration((total - loaded) / this.rate)} left` : "";
      this.find("[data-speed]").textContent = `${formatBytes(this.rate)}/s${left}`;
    }
  }

  resetProgress() {
    this.find("[data-progress]").value = 0;
    this.find("[data-percent]").textContent = "0 %";
    this.find("[data-error]").hidden = true;
  }

  // A row waiting for the rate limit reads "Waiting" with the seconds left; its state (and
  // its place among the uploads running at once) stays as it was.
  hold(change) {
    this.holds += change;
    if (this.holds > 0) {
      this.element.dataset.waiting = "rate-limit";
      this.find("[data-state-label]").textContent = STATE_LABELS.waiting;
      this.find("[data-note]").hidden = false;
      return;
    }
    delete this.element.dataset.waiting;
    this.find("[data-state-label]").textContent = STATE_LABELS[this.job.state];
    this.find("[data-note]").hidden = this.job.state !== "paused";
  }

  showWait(seconds) {
    this.find("[data-note]").textContent =
      `Waiting ${formatDuration(seconds)} (rate limit), then continuing.`;
  }
}

export class QueueView {
  constructor(root, { api, queue }) {
    this.api = api;
    this.queue = queue;
    this.list = root.querySelector("[data-queue]");
    this.template = root.querySelector("[data-row-template]");
    this.announcer = root.querySelector("[data-announcer]");
    this.summary = root.querySelector("[data-summary]");
    this.rows = new Map(); // job → Row
    queue.addEventListener("add", (event) => this.add(event.detail.job));
    queue.addEventListener("remove", (event) => this.remove(event.detail.job));
    api.addEventListener("rate-limited", (event) => {
      const wait = formatDuration(event.detail.seconds);
      this.announce(`Too many requests at once: waiting ${wait} (rate limit), then continuing.`);
    });
    api.addEventListener("wait-start", (event) => this.rowOf(event)?.hold(1));
    api.addEventListener("wait-tick", (event) => {
      this.rowOf(event)?.showWait(event.detail.seconds);
      this.summarise();
    });
    api.addEventListener("wait-end", (event) => {
      this.rowOf(event)?.hold(-1);
      this.summarise();
    });
  }

  rowOf(event) {
    return this.rows.get(event.detail.subject);
  }

  announce(text) {
    this.announcer.textContent = text;
  }

  add(job) {
    const row = new Row(this, job);
    this.rows.set(job, row);
    job.addEventListener("state", () => {
      row.showState();
      this.announceState(job);
      this.summarise();
    });
    job.addEventListener("progress", () => {
      row.showProgress();
      this.summarise();
    });
    job.addEventListener("reset", () => row.resetProgress());
    job.addEventListener("complete", (event) => {
      row.element.dataset.uploadId = event.detail.upload.id;
    });
    this.list.appendChild(row.element);
    this.summarise();
  }

  remove(job) {
    this.rows.get(job).element.remove();
    this.rows.delete(job);
    this.summarise();
  }

  announceState(job) {
    const name = job.file.name;
    const row = this.rows.get(job);
    const text = {
      uploading: `Uploading ${name}`,
      done: `${name} uploaded`,
      failed: `${name} failed: ${job.error}`,
      cancelled: `${name} cancelled`,
      paused: `${name}: unfinished upload found, ${row.percentStored()} % stored. Resume?`,
    }[job.state];
    if (text) this.announce(text);
  }

  // One line over the queue: how far the whole batch is, its speed and the time left.
  summarise() {
    const rows = [...this.rows.values()];
    const count = (state) => rows.filter((row) => row.job.state === state).length;
    const active = rows.filter((row) => ACTIVE_STATES.has(row.job.state));
    const wanted = rows.filter((row) => row.job.state === "done" || ACTIVE_STATES.has(row.job.state));
    const parts = [];
    if (rows.length > 0) parts.push(`${count("done")} of ${wanted.length} done`);
    if (active.length > 0) {
      let total = 0;
      let sent = 0;
      let rate = 0;
      for (const { job, rate: rowRate } of wanted) {
        total += job.file.size;
        sent += job.state === "done" ? job.file.size : job.loaded;
        if (job.state === "uploading") rate += rowRate;
      }
      parts.push(`${Math.floor((sent / (total || 1)) * 100)} % of ${formatBytes(total)}`);
      if (rate > 0) {
        parts.push(`${formatBytes(rate)}/s`, `about ${formatDuration((total - sent) / rate)} left`);
      }
    }
    const pause = this.api.pauseLeft();
    if (pause > 0) parts.push(`waiting ${formatDuration(pause)} (rate limit)`);
    if (count("failed")) parts.push(`${count("failed")} failed`);
    if (count("cancelled")) parts.push(`${count("cancelled")} cancelled`);
    this.summary.textContent = parts.join(" · ");
    this.summary.hidden = parts.length === 0;
  }
}
