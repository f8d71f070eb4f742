// Resuming a multipart upload the server still holds unfinished (after a reload or a crash).
import { UserFacingError } from "./errors.js";
import { typeEssence } from "./types.js";

const PENDING_PAGE = 500;

// The one rule for "this file is the one that upload was started for": same name, size,
// modification time (ms since the epoch) and content type (as the server stores it).
export function isSameFile(upload, file) {
  return (
    upload.filename === file.name &&
    upload.size === file.size &&
    upload.last_modified === file.lastModified &&
    upload.content_type === typeEssence(file.type)
  );
}

// What storage already holds of an upload, as the server sees it: the plan and part number →
// size of each stored part. Null when it cannot say (resuming is a bonus; a fresh upload works).
export async function storedParts(api, partsUrl) {
  try {
    const listing = await api.request("GET", partsUrl);
    const plan = { part_size: listing.part_size, part_count: listing.part_count };
    if (!(plan.part_size > 0 && plan.part_count > 0)) throw new UserFacingError("No plan");
    return { plan, stored: new Map(listing.parts.map((part) => [part.part_number, part.size])) };
  } catch {
    return null;
  }
}

// An unfinished multipart upload of this file with this visibility: {upload, links, plan, stored}.
export async function findUnfinished({ api, listUrl, file, visibility, signal, subject }) {
  const pending = [];
  try {
    const first = new URL(listUrl, window.location.href);
    first.searchParams.set("status", "pending");
    first.searchParams.set("limit", String(PENDING_PAGE));
    let url = first.href;
    while (url) {
      const page = await api.request("GET", url, { signal, subject });
      pending.push(...page.uploads);
      url = page.next;
    }
  } catch {
    return null;
  }
  const upload = pending.find(
    (candidate) =>
      candidate.method === "multipart" &&
      candidate.visibility === visibility &&
      isSameFile(candidate, file),
  );
  if (!upload) return null;
  const parts = await storedParts(api, upload.links.parts);
  return parts && { upload, links: upload.links, ...parts };
}
