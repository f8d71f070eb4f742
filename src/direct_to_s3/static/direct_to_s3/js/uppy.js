// Stock Uppy (@uppy/core and @uppy/aws-s3 6.3 or newer 6.x) uploading through this app:
//
//   uppy.use(AwsS3, await directToS3(uppy, { apiUrl: "/api/" }));
//
// The app, not the browser, decides everything: each file is started with the app (which
// picks its key, checks size, type and quota, and creates a multipart upload on S3 itself);
// every request Uppy then asks to sign goes to the app's `links.sign`, which signs only the
// upload's own key, S3 upload id and parts of its plan; multipart create, list, complete and
// abort are answered by the app (its `links.s3`), and a small file's POST is followed by the
// app's complete, so Uppy reports a file uploaded only once the app has verified it. A file's
// `response.body` is then the app's upload (`id`, `url`, `links.file`, …).
//
// Options: `apiUrl` (the API root), `csrfToken` (default: the `csrftoken` cookie),
// `visibility` ("public" or "private", default "private"; a file's `meta.visibility` wins).
// A 429 from the app is waited out (its Retry-After) rather than failing the file.

const RETRY_AFTER_FALLBACK = 5; // seconds, for a 429 that does not say

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function cookie(name) {
  const found = document.cookie.split("; ").find((pair) => pair.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

function retryAfterSeconds(header) {
  const seconds = Number((header || "").trim());
  return Number.isFinite(seconds) && seconds > 0 ? seconds : RETRY_AFTER_FALLBACK;
}

export async function directToS3(
  uppy,
  { apiUrl, csrfToken = cookie("csrftoken"), visibility = "private" } = {},
) {
  async function call(method, url, body) {
    for (;;) {
      const response = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 429) {
        await sleep(retryAfterSeconds(response.headers.get("Retry-After")) * 1000);
        continue;
      }
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        throw new Error(data.error || `The app answered with an error (HTTP ${response.status}).`);
      }
      return data;
    }
  }

  const root = await call("GET", apiUrl);
  const plan = root.part_plan;
  const byFile = new Map(); // Uppy's file id → promise of the app's upload
  const byKey = new Map(); // the app's key → the app's upload

  function start(fileId) {
    if (!byFile.has(fileId)) {
      const file = uppy.getFile(fileId);
      const started = call("POST", root.uploads, {
        filename: file.name,
        content_type: file.type || "",
        size: file.size,
        visibility: file.meta.visibility || visibility,
        last_modified: file.data.lastModified,
      });
      // A refusal is not kept: a retry asks the app again.
      started.then((upload) => byKey.set(upload.key, upload), () => byFile.delete(fileId));
      byFile.set(fileId, started);
    }
    return byFile.get(fileId);
  }

  // Uppy proposes the file's id as its key (generateObjectKey below); the app answers with
  // its own, which Uppy then uses for every later request of the file.
  async function signRequest(request) {
    const upload =
      byKey.get(request.key) || (uppy.getFile(request.key) && (await start(request.key)));
    if (!upload) throw new Error("This file was not started with the app.");
    const ticket = upload.upload;
    if (request.method === "PUT" && request.uploadId === undefined && ticket.method === "POST") {
      return { url: ticket.url, fields: ticket.fields, key: upload.key };
    }
    return call("POST", upload.links.sign, { ...request, key: upload.key });
  }

  // A small file's bytes reached S3 by POST: only the app's complete makes it count. A
  // multipart file was completed by the app already, when Uppy completed it.
  uppy.addPostProcessor(async (fileIds) => {
    await Promise.all(
      fileIds.map(async (fileId) => {
        const file = uppy.getFile(fileId);
        if (!file || file.error || !byFile.has(fileId)) return;
        uppy.emit("postprocess-progress", file, { mode: "indeterminate", message: "Checking" });
        try {
          const upload = await byFile.get(fileId);
          const done =
            upload.method === "POST"
              ? await call("POST", upload.links.complete)
              : await call("GET", upload.links.self);
          byFile.delete(fileId); // finished: removing the file later cancels nothing
          uppy.setFileState(fileId, {
            response: { ...file.response, body: done, uploadURL: done.url },
            uploadURL: done.url,
          });
        } catch (error) {
          uppy.emit("upload-error", uppy.getFile(fileId), error);
        }
        uppy.emit("postprocess-complete", uppy.getFile(fileId));
      }),
    );
  });

  // A removed or cancelled file is cancelled with the app too: what reached S3 is deleted.
  uppy.on("file-removed", (file) => {
    const started = byFile.get(file.id);
    if (!started) return;
    byFile.delete(file.id);
    started.then(
      (upload) => {
        if (upload.status === "pending") call("POST", upload.links.cancel).catch(() => {});
      },
      () => {},
    );
  });

  return {
    shouldUseMultipart: (file) => file.size > plan.multipart_threshold,
    getChunkSize: ({ size }) => Math.max(plan.min_part_size, Math.ceil(size / plan.max_parts)),
    generateObjectKey: (file) => file.id,
    allowedMetaFields: false,
    signRequest,
  };
}
