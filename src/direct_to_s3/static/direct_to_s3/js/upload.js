// Direct-to-S3 uploads: ask Django for a ticket, send the bytes straight to S3 with progress,
// then ask Django to verify. The file never passes through the app server.
// The page gives every URL and limit as data attributes of the [data-uploader] element; each
// upload's own URLs come from the app's answers. The app may answer 429 (rate limit): requests
// then wait out its Retry-After, the rows concerned say so, and uploads carry on by themselves.
// Events on the uploader element (they bubble to the document):
//   direct_to_s3:ready            the uploader is wired up
//   direct_to_s3:state            detail.name, detail.state of one upload
//   direct_to_s3:upload-complete  detail.upload: the app's answer for a verified upload
//   direct_to_s3:rate-limited     a wait begins; detail.seconds
// and "direct_to_s3:changed" on the body when the list of files should be refreshed (htmx).
import { ApiClient } from "./api.js";
import { formatBytes } from "./format.js";
import { bindInput } from "./input.js";
import { UploadJob } from "./job.js";
import { bindList } from "./list.js";
import { Queue } from "./queue.js";
import { QueueView } from "./view.js";

function readConfig(root) {
  const data = root.dataset;
  return {
    createUrl: data.createUrl,
    listUrl: data.listUrl,
    maxSize: Number(data.maxSize),
    multipartThreshold: Number(data.multipartThreshold),
    allowedTypes: new Set((data.allowedTypes || "").split(",").filter(Boolean)),
    csrfToken: data.csrfToken,
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
  if (!config.allowedTypes.has(file.type.toLowerCase())) {
    return `Files of type ${file.type} are not allowed here.`;
  }
  return null;
}

function start(root) {
  const config = readConfig(root);
  const api = new ApiClient({ csrfToken: config.csrfToken });
  const queue = new Queue();
  new QueueView(root, { api, queue });
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
    const visibility = root.querySelector("input[name=visibility]:checked").value;
    for (const file of event.detail.files) {
      const job = new UploadJob({ file, visibility, api, config });
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
  bindInput(root);
  root.dataset.ready = "";
  emit("ready");
}

const roots = document.querySelectorAll("[data-uploader]");
for (const root of roots) start(root);
if (roots.length > 0) bindList(roots[0].querySelector("[data-announcer]"));
