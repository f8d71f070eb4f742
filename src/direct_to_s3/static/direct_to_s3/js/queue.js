// The uploads of the page and how many run at once. Events: "add" and "remove" (detail.job).
import { ACTIVE_STATES, RUNNING_STATES } from "./job.js";

const MAX_PARALLEL = 3;

export class Queue extends EventTarget {
  constructor() {
    super();
    this.jobs = [];
    this.pumping = false;
  }

  add(job) {
    this.jobs.push(job);
    // A job that stops or waits again may free or want a place.
    job.addEventListener("state", () => {
      if (!RUNNING_STATES.has(job.state)) this.pump();
    });
    this.dispatchEvent(new CustomEvent("add", { detail: { job } }));
  }

  remove(job) {
    this.jobs = this.jobs.filter((other) => other !== job);
    this.dispatchEvent(new CustomEvent("remove", { detail: { job } }));
  }

  busy() {
    return this.jobs.some((job) => ACTIVE_STATES.has(job.state));
  }

  pump() {
    if (this.pumping) return; // a job started here changes state: count it once, here
    this.pumping = true;
    try {
      let running = this.jobs.filter((job) => RUNNING_STATES.has(job.state)).length;
      for (const job of this.jobs) {
        if (running >= MAX_PARALLEL) break;
        if (job.state === "waiting") {
          running += 1;
          job.run();
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
