// An uploader mounted on one element: its queue of uploads, the rows showing them, and the
// ways files arrive (pick, drop, paste). The upload page and each form widget mount one.
// Events on the element (they bubble to the document):
//   direct_to_s3:ready            the uploader is wired up
//   direct_to_s3:state            detail.name, detail.state of one upload
//   direct_to_s3:upload-complete  detail.upload: the app's answer for a verified upload
//   direct_to_s3:rate-limited     a wait begins; detail.seconds
import { ApiClient } from "./api.js";
import { formatBytes } from "./format.js";
import { bindInput } from "./input.js";
import { UploadJob } from "./job.js";
import { Queue } from "./queue.js";
import { typeAllowed } from "./types.js";
import { QueueView } from "./view.js";

// The element's data attributes: every URL and limit comes from the server.
export function readConfig(root, csrfToken) {
  const data = root.dataset;
  return {
    createUrl: data.createUrl,
    listUrl: data.listUrl,
    maxSize: Number(data.maxSize),
    multipartThreshold: Number(data.multipartThreshold),
    allowedTypes: (data.allowedTypes || "").split(",").filter(Boolean),
    rules: data.rules || null,
    csrfToken,
  };
}

// What the server would refuse anyway, refused before a single byte or request is sent.
function precheck(file, config) {
  if (file.size === 0) return "This file is empty; there is nothing to upload.";
  if (file.size > config.maxSize) {
    let size = formatBytes(file.size);
    let limit = formatBytes(config.maxSize);
    if (size === limit) {
      // Rounded, "5.0 MB is over the 5.0 MB limit" reads as a bug: give the exact bytes.
      size = `${file.size.toLocaleString("en")} bytes`;
      limit = `${config.maxSize.toLocaleString("en")} bytes (${limit})`;
    }
    return `This file is too big (${size}); the limit is ${limit}.`;
  }
  if (!file.type) return "This file's type could not be recognised, so it cannot be uploaded.";
  if (!typeAllowed(file.type, config.allowedTypes)) {
    return `Files of type ${file.type} are not allowed here.`;
  }
  return null;
}

// `visibility()`: the visibility of the files added next. `pasteAnywhere`: files pasted
// anywhere on the page come here (the upload page); otherwise only while focus is inside.
// `accept(files)`: which of the arrived files to queue (all by default).
export function mountUploader(root, { config, visibility, pasteAnywhere, accept = (f) => f }) {
  const api = new ApiClient({ csrfToken: config.csrfToken });
  const queue = new Queue();
  const view = new QueueView(root, { api, queue });
  const emit = (type, detail) => {
    root.dispatchEvent(new CustomEvent(`direct_to_s3:${type}`, { bubbles: true, detail }));
  };

  api.addEventListener("rate-limited", (event) => emit("rate-limited", event.detail));
  queue.addEventListener("add", (event) => {
    const { job } = event.detail;
    job.addEventListener("state", () => emit("state", { name: job.file.name, state: job.state }));
    job.addEventListener("complete", (event) => emit("upload-complete", event.detail));
  });
  root.addEventListener("direct_to_s3:files", (event) => {
    for (const file of accept(event.detail.files)) {
      const job = new UploadJob({ file, visibility: visibility(), api, config });
      queue.add(job);
      const problem = precheck(file, config);
      if (problem) job.fail(problem);
    }
    queue.pump();
  });
  window.addEventListener("beforeunload", (event) => {
    if (queue.busy()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  bindInput(root, { pasteAnywhere });
  return { queue, view, emit };
}
