// An uploader mounted on one element: its queue of uploads, the rows showing them, and the
// ways files arrive (pick, drop, paste). The upload page and each form widget mount one.
// Events on the element (they bubble to the document):
//   direct_to_s3:ready            the uploader is wired up
//   direct_to_s3:state            detail.name, detail.state of one upload
//   direct_to_s3:upload-complete  detail.upload: the app's answer for a verified upload
//   direct_to_s3:rate-limited     a wait begins; detail.seconds
import { ApiClient } from "./api.js";
import { Batcher } from "./batch.js";
import { formatBytes } from "./format.js";
import { bindInput } from "./input.js";
import { UploadJob } from "./job.js";
import { Queue } from "./queue.js";
import { typeAllowed, typeEssence, UNKNOWN_TYPE } from "./types.js";
import { QueueView } from "./view.js";

const patternList = (value) => (value || "").split(",").filter(Boolean);

// Which types each visibility takes, and those in the server's words (content_types.describe):
// a form field's widget has its own list; the upload page one per visibility.
function typeRules(data) {
  if (data.allowedTypes !== undefined) {
    const own = { patterns: patternList(data.allowedTypes), text: data.allowedTypesText };
    return { public: { ...own, where: "here" }, private: { ...own, where: "here" }, field: true };
  }
  return {
    public: { patterns: patternList(data.publicTypes), text: data.publicTypesText },
    private: { patterns: patternList(data.privateTypes), text: data.privateTypesText },
  };
}

// The element's data attributes: every URL and limit comes from the server.
export function readConfig(root, csrfToken) {
  const data = root.dataset;
  return {
    createUrl: data.createUrl,
    // Absent: small files are started and completed one by one.
    batchStartUrl: data.batchStartUrl || null,
    batchCompleteUrl: data.batchCompleteUrl || null,
    batchLimit: Number(data.batchLimit) || 1,
    listUrl: data.listUrl,
    maxSize: Number(data.maxSize),
    multipartThreshold: Number(data.multipartThreshold),
    types: typeRules(data),
    rules: data.rules || null,
    csrfToken,
  };
}

// What the server would refuse anyway, refused before a single byte or request is sent.
function precheck(file, visibility, config) {
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
  // Worded as the server's own refusals (validation.type_refusal).
  const type = typeEssence(file.type);
  const { patterns, text, where = `as ${visibility} files` } = config.types[visibility];
  if (typeAllowed(type, patterns)) return null;
  const privately =
    !config.types.field &&
    visibility === "public" &&
    typeAllowed(type, config.types.private.patterns);
  if (type === UNKNOWN_TYPE) {
    return privately
      ? "This file's type could not be recognised. " +
          "Files of unknown type can be uploaded as private files only."
      : `This file's type could not be recognised. Allowed: ${text}.`;
  }
  const refusal = `Files of type ${type} are not allowed ${where}. Allowed: ${text}.`;
  return privately ? `${refusal} It can be uploaded as a private file.` : refusal;
}

// `visibility()`: the visibility of the files added next. `pasteAnywhere`: files pasted
// anywhere on the page come here (the upload page); otherwise only while focus is inside.
// `accept(files)`: which of the arrived files to queue (all by default).
export function mountUploader(root, { config, visibility, pasteAnywhere, accept = (f) => f }) {
  const api = new ApiClient({ csrfToken: config.csrfToken });
  const queue = new Queue();
  const batcher = config.batchStartUrl
    ? new Batcher({
        api,
        startUrl: config.batchStartUrl,
        completeUrl: config.batchCompleteUrl,
        limit: config.batchLimit,
      })
    : null;
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
      const chosen = visibility();
      const job = new UploadJob({ file, visibility: chosen, api, config, batcher });
      queue.add(job);
      const problem = precheck(file, chosen, config);
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
