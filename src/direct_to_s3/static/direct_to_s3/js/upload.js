// Direct-to-S3 uploads: ask Django for a ticket, send the bytes straight to S3 with progress,
// then ask Django to verify. The file never passes through the app server.
// Small files go up as one presigned POST; large ones (the ticket says "multipart") as parts PUT
// in parallel, each with a Content-MD5 that S3 checks (md5.js, loaded before this file).
// The app may answer 429 (rate limit): every request then waits out its Retry-After, the rows
// concerned say so, and the uploads carry on by themselves.
// Events on document.body: "direct_to_s3:changed" (htmx refreshes the list), "direct_to_s3:state",
// "direct_to_s3:rate-limited" (a wait begins; detail.seconds).
(function () {
  "use strict";

  const MAX_PARALLEL = 3;
  const PART_PARALLEL = 4; // parts of one file in flight at once
  const SIGN_BATCH = 16; // parts signed per request (the API allows up to 100)
  const PART_ATTEMPTS = 4; // tries per part on lost connections and storage outages
  const RETRY_AFTER_FALLBACK = 5; // seconds to wait on a 429 that does not say
  const LIST_REFRESH_MS = 1000; // at most one list refresh this often while files complete
  const ACTIVE_STATES = new Set(["waiting", "starting", "uploading", "verifying"]);
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

  class UploadCancelled extends Error {}

  // `permanent`: retrying cannot help (the file or the request is wrong), so no Retry button.
  class UserFacingError extends Error {
    constructor(message, { retryTicket = false, permanent = false } = {}) {
      super(message);
      this.retryTicket = retryTicket;
      this.permanent = permanent;
    }
  }

  function formatBytes(bytes) {
    const units = ["bytes", "KB", "MB", "GB", "TB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
  }

  // The files of a drop, with those inside dropped folders (and their subfolders).
  async function filesDropped(dataTransfer) {
    // Entries must be taken before the first await: the drop's data is gone after it.
    const entries = Array.from(dataTransfer.items || [])
      .filter((item) => item.kind === "file" && item.webkitGetAsEntry)
      .map((item) => item.webkitGetAsEntry());
    if (!entries.some((entry) => entry && entry.isDirectory)) return dataTransfer.files;
    const files = [];
    const walk = async (entry) => {
      if (entry.isFile) {
        files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
        return;
      }
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) return; // readEntries answers in batches until an empty one
        for (const child of batch) await walk(child);
      }
    };
    for (const entry of entries) if (entry) await walk(entry);
    return files;
  }

  const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

  // Retry-After is whole seconds or an HTTP date; wait at least a second either way.
  function retryAfterSeconds(header) {
    const value = (header || "").trim();
    if (/^\d+(\.\d+)?$/.test(value)) return Math.max(1, Number(value));
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(1, (date - Date.now()) / 1000);
    return RETRY_AFTER_FALLBACK;
  }

  function formatDuration(seconds) {
    const whole = Math.max(1, Math.ceil(seconds));
    if (whole < 60) return `${whole} s`;
    if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
    return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
  }

  // S3 answers errors as XML; turn its codes into words a person understands.
  function storageErrorMessage(status, body) {
    const code = (/<Code>([^<]+)<\/Code>/.exec(body || "") || [])[1] || "";
    const message = (/<Message>([^<]+)<\/Message>/.exec(body || "") || [])[1] || "";
    if (status === 0) {
      return new UserFacingError(
        "The connection to storage was lost. Check your network, then retry.",
      );
    }
    if (code === "EntityTooLarge") {
      return new UserFacingError("Storage refused the file: it is larger than announced.", {
        permanent: true,
      });
    }
    if (code === "EntityTooSmall") {
      return new UserFacingError("Storage refused the file: it is smaller than announced.", {
        permanent: true,
      });
    }
    if (/expired/i.test(message) || /expired/i.test(code)) {
      return new UserFacingError("The upload permission expired.", { retryTicket: true });
    }
    if (status === 403) {
      return new UserFacingError(
        "Storage refused the file because it does not match what was announced.",
        { permanent: true },
      );
    }
    if (status >= 500) {
      return new UserFacingError("Storage is having trouble right now. Please retry shortly.");
    }
    return new UserFacingError(`Storage refused the file (${code || `HTTP ${status}`}).`, {
      permanent: status >= 400 && status < 500,
    });
  }

  class Uploader {
    constructor(root) {
      this.root = root;
      this.createUrl = root.dataset.createUrl;
      this.maxSize = Number(root.dataset.maxSize);
      this.multipartThreshold = Number(root.dataset.multipartThreshold);
      this.allowedTypes = new Set((root.dataset.allowedTypes || "").split(",").filter(Boolean));
      this.csrfToken = root.dataset.csrfToken;
      this.queue = root.querySelector("[data-queue]");
      this.template = root.querySelector("[data-row-template]");
      this.announcer = root.querySelector("[data-announcer]");
      this.summary = root.querySelector("[data-summary]");
      this.input = root.querySelector("[data-input]");
      this.dropzone = root.querySelector("[data-dropzone]");
      this.items = [];
      this.pausedUntil = 0; // Date.now() until which API requests wait (after a 429)
      this.listRefreshedAt = 0;
      this.listRefresh = null; // a refresh due at the end of the current interval
      this.bindEvents();
    }

    bindEvents() {
      this.root.querySelector("[data-pick]").addEventListener("click", () => this.input.click());
      this.input.addEventListener("change", () => {
        this.addFiles(this.input.files);
        this.input.value = "";
      });
      let depth = 0;
      this.dropzone.addEventListener("dragenter", (event) => {
        event.preventDefault();
        depth += 1;
        this.dropzone.classList.add("is-dragover");
      });
      this.dropzone.addEventListener("dragover", (event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      });
      this.dropzone.addEventListener("dragleave", () => {
        depth = Math.max(0, depth - 1);
        if (depth === 0) this.dropzone.classList.remove("is-dragover");
      });
      this.dropzone.addEventListener("drop", async (event) => {
        event.preventDefault();
        depth = 0;
        this.dropzone.classList.remove("is-dragover");
        this.addFiles(await filesDropped(event.dataTransfer));
      });
      // Files (a screenshot, files copied in a file manager) pasted anywhere on the page.
      document.addEventListener("paste", (event) => {
        const files = event.clipboardData ? event.clipboardData.files : null;
        if (!files || files.length === 0) return; // plain text: leave it to the browser
        event.preventDefault();
        this.addFiles(files);
      });
      // "Copy link" on public files in the list (which htmx re-renders: listen on the document).
      document.addEventListener("click", (event) => {
        const button = event.target.closest("[data-copy-link]");
        if (button) this.copyLink(button);
      });
      // htmx leaves the page as it was when a list request fails: say so instead.
      const listError = document.querySelector("[data-list-error]");
      const showListError = (message) => {
        listError.textContent = message;
        listError.hidden = false;
      };
      document.body.addEventListener("htmx:beforeRequest", () => {
        listError.hidden = true;
      });
      document.body.addEventListener("htmx:responseError", (event) => {
        const { xhr, target } = event.detail;
        if (xhr.status === 400 && target.matches("li.more")) {
          target.outerHTML = xhr.responseText; // the server's own words, in place of the button
          return;
        }
        showListError(
          `Your files could not be updated (the app answered ${xhr.status}). ` +
            "Reload the page to see where things stand, then try again.",
        );
      });
      document.body.addEventListener("htmx:sendError", () => {
        showListError("The app cannot be reached. Check your network, then try again.");
      });
      // A file dropped beside the zone must not navigate away from the page.
      window.addEventListener("dragover", (event) => event.preventDefault());
      window.addEventListener("drop", (event) => event.preventDefault());
      window.addEventListener("beforeunload", (event) => {
        if (this.items.some((item) => ACTIVE_STATES.has(item.state))) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }

    visibility() {
      return this.root.querySelector("input[name=visibility]:checked").value;
    }

    announce(text) {
      this.announcer.textContent = text;
    }

    async copyLink(button) {
      const url = new URL(button.dataset.copyLink, window.location.href).href;
      try {
        await navigator.clipboard.writeText(url);
      } catch {
        window.prompt("Copy this link:", url); // no clipboard access (e.g. plain http)
        return;
      }
      const label = button.textContent;
      button.textContent = "Copied";
      this.announce("Link copied");
      setTimeout(() => {
        button.textContent = label;
      }, 2000);
    }

    addFiles(fileList) {
      const visibility = this.visibility();
      for (const file of Array.from(fileList || [])) {
        const item = this.createItem(file, visibility);
        const problem = this.precheck(file);
        if (problem) {
          this.fail(item, problem);
        }
      }
      this.pump();
    }

    createItem(file, visibility) {
      const row = this.template.content.firstElementChild.cloneNode(true);
      const item = { file, visibility, row, state: "waiting", xhrs: new Set(), uploadId: null };
      row.querySelector("[data-name]").textContent = file.name;
      row.querySelector("[data-size]").textContent = formatBytes(file.size);
      row.querySelector("[data-visibility]").textContent =
        visibility === "public" ? "Public" : "Private";
      row.querySelector("[data-cancel]").addEventListener("click", () => this.cancel(item));
      row.querySelector("[data-retry]").addEventListener("click", () => this.retry(item));
      row.querySelector("[data-dismiss]").addEventListener("click", () => this.dismiss(item));
      row.querySelector("[data-resume]").addEventListener("click", () => this.resume(item));
      row.querySelector("[data-restart]").addEventListener("click", () => this.restart(item));
      this.queue.appendChild(row);
      this.items.push(item);
      return item;
    }

    // What the server would refuse anyway, refused before a single byte or request is sent.
    precheck(file) {
      if (file.size === 0) return "This file is empty; there is nothing to upload.";
      if (file.size > this.maxSize) {
        let size = formatBytes(file.size);
        let limit = formatBytes(this.maxSize);
        if (size === limit) {
          // Rounded, "5.0 MB is over the 5.0 MB limit" reads as a bug: give the exact bytes.
          size = `${file.size.toLocaleString("en")} bytes`;
          limit = `${this.maxSize.toLocaleString("en")} bytes (${limit})`;
        }
        return `This file is too big (${size}); the limit is ${limit}.`;
      }
      if (!file.type) return "This file's type could not be recognised, so it cannot be uploaded.";
      if (!this.allowedTypes.has(file.type.toLowerCase())) {
        return `Files of type ${file.type} are not allowed here.`;
      }
      return null;
    }

    setState(item, state) {
      item.state = state;
      const row = item.row;
      row.dataset.state = state;
      row.querySelector("[data-state-label]").textContent = STATE_LABELS[state];
      row.querySelector("[data-cancel]").hidden = !ACTIVE_STATES.has(state);
      row.querySelector("[data-retry]").hidden = state !== "failed" || item.permanent;
      row.querySelector("[data-dismiss]").hidden = ACTIVE_STATES.has(state);
      row.querySelector("[data-resume]").hidden = state !== "paused";
      row.querySelector("[data-restart]").hidden = state !== "paused";
      row.querySelector("[data-note]").hidden = state !== "paused";
      if (!ACTIVE_STATES.has(state)) item.rate = 0;
      this.summarise();
      document.body.dispatchEvent(
        new CustomEvent("direct_to_s3:state", { detail: { name: item.file.name, state } }),
      );
    }

    setProgress(item, loaded) {
      const total = item.file.size || 1;
      const percent = Math.min(100, Math.floor((loaded / total) * 100));
      const progress = item.row.querySelector("[data-progress]");
      if (percent < Number(progress.value)) return; // never goes backwards
      progress.value = percent;
      item.row.querySelector("[data-percent]").textContent = `${percent} %`;
      const now = performance.now();
      const samples = item.samples;
      samples.push([now, loaded]);
      while (samples.length > 2 && now - samples[0][0] > 3000) samples.shift();
      const [startTime, startBytes] = samples[0];
      const seconds = (now - startTime) / 1000;
      item.loaded = loaded;
      if (seconds > 0.2) {
        item.rate = (loaded - startBytes) / seconds;
        const secondsLeft = (total - loaded) / item.rate;
        const left = item.rate > 0 ? ` · ${formatDuration(secondsLeft)} left` : "";
        item.row.querySelector("[data-speed]").textContent = `${formatBytes(item.rate)}/s${left}`;
      }
      this.summarise();
    }

    // One line over the queue: how far the whole batch is, its speed and the time left.
    summarise() {
      const count = (state) => this.items.filter((item) => item.state === state).length;
      const active = this.items.filter((item) => ACTIVE_STATES.has(item.state));
      const done = count("done");
      const wanted = this.items.filter(
        (item) => item.state === "done" || ACTIVE_STATES.has(item.state),
      );
      const parts = [];
      if (this.items.length > 0) parts.push(`${done} of ${wanted.length} done`);
      if (active.length > 0) {
        let total = 0;
        let sent = 0;
        let rate = 0;
        for (const item of wanted) {
          total += item.file.size;
          sent += item.state === "done" ? item.file.size : item.loaded || 0;
          if (item.state === "uploading") rate += item.rate || 0;
        }
        parts.push(`${Math.floor((sent / (total || 1)) * 100)} % of ${formatBytes(total)}`);
        if (rate > 0) {
          const secondsLeft = (total - sent) / rate;
          parts.push(`${formatBytes(rate)}/s`, `about ${formatDuration(secondsLeft)} left`);
        }
      }
      const pause = this.pauseLeft();
      if (pause > 0) parts.push(`waiting ${formatDuration(pause)} (rate limit)`);
      if (count("failed")) parts.push(`${count("failed")} failed`);
      if (count("cancelled")) parts.push(`${count("cancelled")} cancelled`);
      this.summary.textContent = parts.join(" · ");
      this.summary.hidden = parts.length === 0;
    }

    pump() {
      let running = this.items.filter((item) =>
        ["starting", "uploading", "verifying"].includes(item.state),
      ).length;
      for (const item of this.items) {
        if (running >= MAX_PARALLEL) break;
        if (item.state === "waiting") {
          running += 1;
          this.run(item);
        }
      }
    }

    async run(item) {
      item.samples = [];
      item.permanent = false;
      item.row.querySelector("[data-error]").hidden = true;
      try {
        this.setState(item, "starting");
        let ticket = item.resume;
        item.resume = null;
        if (!ticket && !item.skipResumeCheck && item.file.size > this.multipartThreshold) {
          const unfinished = await this.findUnfinished(item);
          if (unfinished) {
            this.offerResume(item, unfinished);
            return;
          }
        }
        ticket = ticket || (await this.requestTicket(item));
        item.ticket = ticket;
        this.setState(item, "uploading");
        this.announce(`Uploading ${item.file.name}`);
        if (ticket.method === "multipart") {
          await this.sendParts(item, ticket);
        } else {
          try {
            await this.sendToStorage(item, ticket);
          } catch (error) {
            if (!(error instanceof UserFacingError && error.retryTicket)) throw error;
            // The ticket expired before the bytes went up: get a fresh one, quietly.
            ticket = await this.requestTicket(item);
            await this.sendToStorage(item, ticket);
          }
        }
        this.setState(item, "verifying");
        const upload = await this.api(
          "POST",
          `${this.createUrl}/${item.uploadId}/complete`,
          undefined,
          item,
        );
        this.setProgress(item, item.file.size);
        item.row.dataset.uploadId = upload.id;
        this.setState(item, "done");
        item.row.querySelector("[data-speed]").textContent = "";
        this.announce(`${item.file.name} uploaded`);
        this.listChanged();
      } catch (error) {
        if (error instanceof UploadCancelled || item.state === "cancelled") return;
        // Lost connections, outages and conflicts may pass: those keep a Retry button.
        this.fail(item, error.message || "The upload failed.", Boolean(error.permanent));
      } finally {
        item.xhrs.clear();
        this.pump();
      }
    }

    async requestTicket(item) {
      const response = await this.api(
        "POST",
        this.createUrl,
        {
          filename: item.file.name,
          content_type: item.file.type,
          size: item.file.size,
          visibility: item.visibility,
          last_modified: item.file.lastModified,
        },
        item,
      );
      if (item.state === "cancelled") {
        await this.cancelOnServer(response.id);
        throw new UploadCancelled();
      }
      const ticket = response.upload;
      const known =
        ticket &&
        ((ticket.method === "POST" && ticket.url && ticket.fields) ||
          (ticket.method === "multipart" && ticket.parts_url && ticket.part_count > 0));
      if (!known) {
        throw new UserFacingError("The app answered in a way this page does not understand.");
      }
      item.uploadId = response.id;
      return ticket;
    }

    sendToStorage(item, ticket) {
      return new Promise((resolve, reject) => {
        const form = new FormData();
        for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
        form.append("file", item.file);
        const xhr = new XMLHttpRequest();
        item.xhrs.add(xhr);
        xhr.open(ticket.method, ticket.url);
        xhr.upload.addEventListener("progress", (event) => {
          if (event.lengthComputable) {
            // The multipart envelope adds a few hundred bytes; scale to the file's own size.
            this.setProgress(item, Math.floor((event.loaded / event.total) * item.file.size));
          }
        });
        xhr.addEventListener("load", () => {
          if (xhr.status >= 200 && xhr.status < 300) resolve();
          else reject(storageErrorMessage(xhr.status, xhr.responseText));
        });
        xhr.addEventListener("error", () => reject(storageErrorMessage(0, "")));
        xhr.addEventListener("abort", () => reject(new UploadCancelled()));
        xhr.send(form);
      });
    }

    // Multipart: parts signed in batches as they are needed, PART_PARALLEL in flight, each
    // retried with backoff when the connection drops or storage falters, re-signed when its URL
    // expired. Progress counts finished parts plus the bytes of those still on their way.
    async sendParts(item, ticket) {
      const size = item.file.size;
      const partSize = ticket.part_size;
      const count = ticket.part_count;
      const have = ticket.have || new Set(); // parts S3 already holds (a resumed upload)
      const missing = [];
      let finishedBytes = 0;
      for (let number = 1; number <= count; number += 1) {
        if (have.has(number)) finishedBytes += Math.min(partSize, size - (number - 1) * partSize);
        else missing.push(number);
      }
      const position = new Map(missing.map((number, index) => [number, index]));
      const urls = new Map(); // part number → signed PUT URL
      const batches = new Map(); // batch index → the request signing it
      const sending = new Map(); // part number → bytes of it sent so far
      let next = 0;
      let failure = null;

      const report = () => {
        let sent = finishedBytes;
        for (const loaded of sending.values()) sent += loaded;
        this.setProgress(item, sent);
      };
      const stillWanted = () => {
        if (item.state === "cancelled") throw new UploadCancelled();
        if (failure) throw failure;
      };
      const sign = async (numbers) => {
        const body = { part_numbers: numbers };
        const answer = await this.api("POST", ticket.parts_url, body, item);
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
      const sendPart = async (number) => {
        const start = (number - 1) * partSize;
        // The digest needs the bytes; the PUT sends the slice itself, streamed from the file,
        // so no part is held in memory while it travels.
        const part = item.file.slice(start, Math.min(size, start + partSize));
        const md5 = window.DirectUpload.md5Base64(await part.arrayBuffer());
        let url = await urlFor(number);
        for (let attempt = 1; ; attempt += 1) {
          stillWanted();
          try {
            await this.putPart(item, url, part, md5, (loaded) => {
              sending.set(number, loaded);
              report();
            });
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
              await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
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
          // The first real failure stops the other parts too.
          if (!failure && !(error instanceof UploadCancelled)) {
            failure = error;
            for (const xhr of item.xhrs) xhr.abort();
          }
          throw error;
        }),
      );
      const results = await Promise.allSettled(workers);
      if (item.state === "cancelled") throw new UploadCancelled();
      if (failure) throw failure;
      const rejected = results.find((result) => result.status === "rejected");
      if (rejected) throw rejected.reason;
    }

    putPart(item, url, part, md5, onProgress) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        item.xhrs.add(xhr);
        const settle = (callback, value) => {
          item.xhrs.delete(xhr);
          callback(value);
        };
        xhr.open("PUT", url);
        xhr.setRequestHeader("Content-MD5", md5);
        xhr.upload.addEventListener("progress", (event) => onProgress(event.loaded));
        xhr.addEventListener("load", () => {
          if (xhr.status >= 200 && xhr.status < 300) settle(resolve);
          else settle(reject, storageErrorMessage(xhr.status, xhr.responseText));
        });
        xhr.addEventListener("error", () => settle(reject, storageErrorMessage(0, "")));
        xhr.addEventListener("abort", () => settle(reject, new UploadCancelled()));
        xhr.send(part);
      });
    }

    // `item`: the upload this request is for; its row shows any wait for a rate limit.
    async api(method, url, body, item = null) {
      let response;
      for (;;) {
        await this.waitOutRateLimit(item);
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
        const error = new UserFacingError(
          data.error || `The app answered with an error (HTTP ${response.status}).`,
        );
        // Validation errors will not change on retry; conflicts and outages might.
        error.permanent = response.status === 400;
        throw error;
      }
      return data;
    }

    pauseLeft() {
      return Math.max(0, Math.ceil((this.pausedUntil - Date.now()) / 1000));
    }

    // One pause for the whole page: the limit is per user, so other requests would meet it too.
    pauseFor(seconds) {
      const until = Date.now() + seconds * 1000;
      if (until <= this.pausedUntil) return;
      const starting = this.pauseLeft() === 0;
      this.pausedUntil = until;
      if (!starting) return;
      const wait = this.pauseLeft();
      this.announce(
        `Too many requests at once: waiting ${formatDuration(wait)} (rate limit), then continuing.`,
      );
      document.body.dispatchEvent(
        new CustomEvent("direct_to_s3:rate-limited", { detail: { seconds: wait } }),
      );
    }

    async waitOutRateLimit(item) {
      if (this.pauseLeft() === 0) return;
      if (item) this.holdRow(item, 1);
      try {
        while (this.pauseLeft() > 0) {
          if (item && item.state === "cancelled") throw new UploadCancelled();
          if (item) this.showWait(item);
          this.summarise();
          await sleep(Math.min(250, this.pausedUntil - Date.now()));
        }
      } finally {
        if (item) this.holdRow(item, -1);
        this.summarise();
      }
    }

    // A row waiting for the rate limit reads "Waiting" with the seconds left; its state (and
    // its place among the uploads running at once) stays as it was.
    holdRow(item, change) {
      item.holds = (item.holds || 0) + change;
      const row = item.row;
      if (item.holds > 0) {
        row.dataset.waiting = "rate-limit";
        row.querySelector("[data-state-label]").textContent = STATE_LABELS.waiting;
        row.querySelector("[data-note]").hidden = false;
        return;
      }
      delete row.dataset.waiting;
      row.querySelector("[data-state-label]").textContent = STATE_LABELS[item.state];
      row.querySelector("[data-note]").hidden = item.state !== "paused";
    }

    showWait(item) {
      item.row.querySelector("[data-note]").textContent =
        `Waiting ${formatDuration(this.pauseLeft())} (rate limit), then continuing.`;
    }

    // A folder completes files several times a second: refresh the list at once for the first,
    // then at most once per LIST_REFRESH_MS, always once after the last.
    listChanged() {
      if (this.listRefresh) return;
      const due = this.listRefreshedAt + LIST_REFRESH_MS - Date.now();
      this.listRefresh = setTimeout(
        () => {
          this.listRefresh = null;
          this.listRefreshedAt = Date.now();
          document.body.dispatchEvent(new CustomEvent("direct_to_s3:changed"));
        },
        Math.max(0, due),
      );
    }

    fail(item, message, permanent = true) {
      item.permanent = permanent;
      const error = item.row.querySelector("[data-error]");
      error.textContent = message;
      error.hidden = false;
      item.row.querySelector("[data-speed]").textContent = "";
      this.setState(item, "failed");
      this.announce(`${item.file.name} failed: ${message}`);
    }

    async cancel(item) {
      if (!ACTIVE_STATES.has(item.state)) return;
      const wasStarted = item.state !== "waiting";
      this.setState(item, "cancelled");
      item.row.querySelector("[data-speed]").textContent = "";
      this.announce(`${item.file.name} cancelled`);
      for (const xhr of item.xhrs) xhr.abort();
      if (wasStarted && item.uploadId) await this.cancelOnServer(item.uploadId);
      this.pump();
    }

    async cancelOnServer(uploadId) {
      try {
        await this.api("POST", `${this.createUrl}/${uploadId}/cancel`);
      } catch {
        // The server sweeps pending uploads it never hears about again.
      }
    }

    async retry(item) {
      if (item.state !== "failed") return;
      this.resetProgress(item);
      const ticket = item.ticket;
      if (ticket && ticket.method === "multipart" && item.uploadId) {
        // Keep the parts already in storage: carry on from where it stopped.
        const have = await this.storedParts(ticket.parts_url);
        if (have) {
          item.resume = { ...ticket, have };
          this.setState(item, "waiting");
          this.pump();
          return;
        }
      }
      // A fresh upload replaces the failed one; free what the old one may hold on the server.
      if (item.uploadId) this.cancelOnServer(item.uploadId);
      item.uploadId = null;
      this.setState(item, "waiting");
      this.pump();
    }

    resetProgress(item) {
      item.row.querySelector("[data-progress]").value = 0;
      item.row.querySelector("[data-percent]").textContent = "0 %";
      item.row.querySelector("[data-error]").hidden = true;
    }

    async storedParts(partsUrl) {
      try {
        const listing = await this.api("GET", partsUrl);
        return new Set(listing.parts.map((part) => part.part_number));
      } catch {
        return null;
      }
    }

    // A large file picked again after a reload or a crash: the server may hold an unfinished
    // upload of it (same name, size, modification time, type and visibility) with some parts.
    async findUnfinished(item) {
      const file = item.file;
      const pending = [];
      try {
        let url = `${this.createUrl}?status=pending&limit=500`;
        while (url) {
          const page = await this.api("GET", url, undefined, item);
          pending.push(...page.uploads);
          url = page.next;
        }
      } catch {
        return null; // resuming is a bonus; a fresh upload still works
      }
      const match = pending.find(
        (upload) =>
          upload.method === "multipart" &&
          upload.filename === file.name &&
          upload.size === file.size &&
          upload.last_modified === file.lastModified &&
          upload.content_type === file.type.toLowerCase() &&
          upload.visibility === item.visibility,
      );
      if (!match) return null;
      const partsUrl = `${this.createUrl}/${match.id}/parts`;
      const have = await this.storedParts(partsUrl);
      if (!have) return null;
      return {
        id: match.id,
        method: "multipart",
        part_size: match.part_size,
        part_count: match.part_count,
        parts_url: partsUrl,
        have,
      };
    }

    offerResume(item, unfinished) {
      item.offer = unfinished;
      item.uploadId = unfinished.id;
      const { part_size: partSize, part_count: count, have } = unfinished;
      let stored = 0;
      for (const number of have) stored += Math.min(partSize, item.file.size - (number - 1) * partSize);
      const percent = Math.floor((stored / item.file.size) * 100);
      this.setProgress(item, stored);
      item.row.querySelector("[data-note]").textContent =
        `An unfinished upload of this file was found: ${percent} % (${have.size} of ${count} ` +
        "parts) is already in storage.";
      this.setState(item, "paused");
      this.announce(`${item.file.name}: unfinished upload found, ${percent} % stored. Resume?`);
    }

    resume(item) {
      if (item.state !== "paused") return;
      item.resume = item.offer;
      item.offer = null;
      this.setState(item, "waiting");
      this.pump();
    }

    restart(item) {
      if (item.state !== "paused") return;
      this.cancelOnServer(item.offer.id);
      item.offer = null;
      item.uploadId = null;
      item.skipResumeCheck = true;
      this.resetProgress(item);
      this.setState(item, "waiting");
      this.pump();
    }

    dismiss(item) {
      item.row.remove();
      this.items = this.items.filter((other) => other !== item);
      this.summarise();
    }
  }

  function start() {
    for (const root of document.querySelectorAll("[data-uploader]")) {
      root.uploader = new Uploader(root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
