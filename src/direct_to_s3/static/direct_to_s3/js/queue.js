// The uploads of the page and how many run at once. Events: "add" and "remove" (detail.job).
// Large files run MAX_PARALLEL at a time, each with parallel parts. Small files that go in
// batches (job.batched) run many at a time, so that whole batches of them start and complete
// together, up to SMALL_WINDOW files or SMALL_WINDOW_BYTES: two batches, so that one starts and
// sends while the other is verified; few enough that their tickets are used long before they
// expire, and well under the app's quota of unfinished uploads.
import { ACTIVE_STATES, RUNNING_STATES } from "./job.js";

const MAX_PARALLEL = 3;
const SMALL_WINDOW = 200;
const SMALL_WINDOW_BYTES = 256 * 1024 * 1024;

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
      const running = this.jobs.filter((job) => RUNNING_STATES.has(job.state));
      let large = running.filter((job) => !job.batched).length;
      let small = running.length - large;
      let smallBytes = running.reduce((sum, job) => sum + (job.batched ? job.file.size : 0), 0);
      for (const job of this.jobs) {
        if (job.state !== "waiting") continue;
        if (!job.batched) {
          if (large >= MAX_PARALLEL) continue;
          large += 1;
        } else {
          const full = small > 0 && smallBytes + job.file.size > SMALL_WINDOW_BYTES;
          if (small >= SMALL_WINDOW || full) continue;
          small += 1;
          smallBytes += job.file.size;
        }
        job.run();
      }
    } finally {
      this.pumping = false;
    }
  }
}
