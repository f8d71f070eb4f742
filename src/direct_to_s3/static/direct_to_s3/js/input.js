// How files arrive: picked, dropped (folders too) or pasted. Each batch is announced as a
// "direct_to_s3:files" event on the uploader element (detail.files: an array of File).

// The files of a drop, with those inside dropped folders (and their subfolders).
async function filesDropped(dataTransfer) {
  // Entries must be taken before the first await: the drop's data is gone after it.
  const entries = Array.from(dataTransfer.items || [])
    .filter((item) => item.kind === "file" && item.webkitGetAsEntry)
    .map((item) => item.webkitGetAsEntry());
  if (!entries.some((entry) => entry && entry.isDirectory)) return Array.from(dataTransfer.files);
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

// `pasteAnywhere`: files pasted anywhere on the page arrive here; otherwise only those pasted
// while focus is inside `root` (one of several uploaders on a form).
export function bindInput(root, { pasteAnywhere = true } = {}) {
  const input = root.querySelector("[data-input]");
  const dropzone = root.querySelector("[data-dropzone]");
  const arrived = (files) => {
    root.dispatchEvent(
      new CustomEvent("direct_to_s3:files", { detail: { files: Array.from(files || []) } }),
    );
  };

  root.querySelector("[data-pick]").addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    arrived(input.files);
    input.value = "";
  });

  let depth = 0; // dragenter/dragleave also fire for the zone's children
  dropzone.addEventListener("dragenter", (event) => {
    event.preventDefault();
    depth += 1;
    dropzone.classList.add("is-dragover");
  });
  dropzone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });
  dropzone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) dropzone.classList.remove("is-dragover");
  });
  dropzone.addEventListener("drop", async (event) => {
    event.preventDefault();
    depth = 0;
    dropzone.classList.remove("is-dragover");
    arrived(await filesDropped(event.dataTransfer));
  });
  // A file dropped beside the zone must not navigate away from the page.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());

  // Files (a screenshot, files copied in a file manager) pasted.
  (pasteAnywhere ? document : root).addEventListener("paste", (event) => {
    const files = event.clipboardData ? event.clipboardData.files : null;
    if (!files || files.length === 0) return; // plain text: leave it to the browser
    event.preventDefault();
    arrived(files);
  });
}
