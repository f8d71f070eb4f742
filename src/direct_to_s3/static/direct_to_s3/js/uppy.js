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
//
// With Golden Retriever (`uppy.use(GoldenRetriever)`), a file restored after a reload goes on
// with the app's upload it was started with: the file's state names that upload
// (`directToS3`), and the app is asked again whether it still holds it pending for this user.

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
        const error = new Error(
          data.error || `The app answered with an error (HTTP ${response.status}).`,
        );
        error.status = response.status;
        throw error;
      }
      return data;
    }
  }

  const root = await call("GET", apiUrl);
  const plan = root.part_plan;
  const byFile = new Map(); // Uppy's file id → promise of the app's upload
  const byKey = new Map(); // the app's key → the app's upload

  // Golden Retriever saves each file's state across a reload: `directToS3` names the app's
  // upload the file was started with, only so the adapter knows which upload to ask about.
  function remember(fileId, upload) {
    if (uppy.getFile(fileId)) {
      uppy.setFileState(fileId, { directToS3: { id: upload.id, self: upload.links.self } });
    }
  }

  // The upload a restored file names, as the app has it now; null if this user has no such
  // upload (any more). Other failures (offline, the app failing) leave the file to a retry.
  async function recorded(file) {
    try {
      const upload = await call("GET", file.directToS3.self);
      return upload.id === file.directToS3.id ? upload : null;
    } catch (error) {
      if (error.status === 404) return null;
      throw error;
    }
  }

  async function create(file) {
    const upload = await call("POST", root.uploads, {
      filename: file.name,
      content_type: file.type || "",
      size: file.size,
      visibility: file.meta.visibility || visibility,
      last_modified: file.data.lastModified,
    });
    remember(file.id, upload);
    return upload;
  }

  // A restored file whose S3 multipart upload Uppy resumes (`s3Multipart`, saved by
  // @uppy/aws-s3) needs the app's upload of that key still pending; if the app holds it no
  // longer, the file fails and both are forgotten, so a retry starts the file afresh. A
  // restored file Uppy sends from its start anyway starts afresh with the app at once, the
  // upload it was started with cancelled.
  async function resumed(file) {
    const upload = await recorded(file);
    const pending = upload?.status === "pending";
    if (pending && upload.key === file.s3Multipart?.key) return upload;
    uppy.setFileState(file.id, { directToS3: undefined, s3Multipart: undefined });
    if (file.s3Multipart) {
      const state = upload && !pending ? upload.status : "gone";
      throw new Error(
        `This file's upload cannot be resumed: the app's upload is ${state}. ` +
          "Retry to upload the file afresh.",
      );
    }
    if (pending) call("POST", upload.links.cancel).catch(() => {});
    return create(file);
  }

  function start(fileId) {
    if (!byFile.has(fileId)) {
      const file = uppy.getFile(fileId);
      const started = file.directToS3 ? resumed(file) : create(file);
      // A refusal is not kept: a retry asks the app again.
      started.then((upload) => byKey.set(upload.key, upload), () => byFile.delete(fileId));
      byFile.set(fileId, started);
    }
    return byFile.get(fileId);
  }

  // The file a key Uppy asks about belongs to: the file's id (what Uppy proposes, below), or,
  // for a file restored mid-multipart, the app's key it resumes.
  function fileIdFor(key) {
    if (uppy.getFile(key)) return key;
    return uppy.getFiles().find((file) => file.s3Multipart?.key === key)?.id;
  }

  // Uppy proposes the file's id as its key (generateObjectKey below); the app answers with
  // its own, which Uppy then uses for every later request of the file. An upload the app
  // was asked about again (a restored file) has no ticket at hand: `links.sign` answers.
  async function signRequest(request) {
    let upload = byKey.get(request.key);
    if (!upload) {
      const fileId = fileIdFor(request.key);
      if (!fileId) throw new Error("This file was not started with the app.");
      upload = await start(fileId);
    }
    const ticket = upload.upload;
    if (request.method === "PUT" && request.uploadId === undefined && ticket?.method === "POST") {
      return { url: ticket.url, fields: ticket.fields, key: upload.key };
    }
    return call("POST", upload.links.sign, { ...request, key: upload.key });
  }

  // A small file's bytes reached S3 by POST: only the app's complete makes it count. A
  // multipart file was completed by the app already, when Uppy completed it. A file restored
  // at this step names its upload only in its state.
  uppy.addPostProcessor(async (fileIds) => {
    await Promise.all(
      fileIds.map(async (fileId) => {
        const file = uppy.getFile(fileId);
        if (!file || file.error || !(byFile.has(fileId) || file.directToS3)) return;
        uppy.emit("postprocess-progress", file, { mode: "indeterminate", message: "Checking" });
        try {
          const upload = await (byFile.get(fileId) || call("GET", file.directToS3.self));
          const done =
            upload.method === "POST"
              ? await call("POST", upload.links.complete)
              : await call("GET", upload.links.self);
          byFile.delete(fileId); // finished: removing the file later cancels nothing
          uppy.setFileState(fileId, {
            response: { ...file.response, body: done, uploadURL: done.url },
            uploadURL: done.url,
            directToS3: undefined,
          });
        } catch (error) {
          uppy.emit("upload-error", uppy.getFile(fileId), error);
        }
        uppy.emit("postprocess-complete", uppy.getFile(fileId));
      }),
    );
  });

  // A removed or cancelled file is cancelled with the app too: what reached S3 is deleted.
  // So is a restored file that was not resumed (its upload is the app's to say).
  uppy.on("file-removed", (file) => {
    const started = byFile.get(file.id) || (file.directToS3 && recorded(file));
    if (!started) return;
    byFile.delete(file.id);
    started.then(
      (upload) => {
        if (upload?.status === "pending") call("POST", upload.links.cancel).catch(() => {});
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
