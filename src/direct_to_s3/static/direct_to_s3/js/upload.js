// The upload page: ask Django for a ticket, send the bytes straight to S3 with progress,
// then ask Django to verify. The file never passes through the app server.
// The page gives every URL and limit as data attributes of the [data-uploader] element; each
// upload's own URLs come from the app's answers. The app may answer 429 (rate limit): requests
// then wait out its Retry-After, the rows concerned say so, and uploads carry on by themselves.
// Events: see uploader.js; and "direct_to_s3:changed" on the body when the list of files
// should be refreshed (htmx).
import { bindList } from "./list.js";
import { mountUploader, readConfig } from "./uploader.js";

function start(root) {
  const config = readConfig(root, root.dataset.csrfToken);
  const { emit } = mountUploader(root, {
    config,
    visibility: () => root.querySelector("input[name=visibility]:checked").value,
    pasteAnywhere: true,
  });
  root.dataset.ready = "";
  emit("ready");
}

const roots = document.querySelectorAll("[data-uploader]");
for (const root of roots) start(root);
if (roots.length > 0) bindList(roots[0].querySelector("[data-announcer]"));
