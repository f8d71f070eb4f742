// The form widget of a DirectFileField: the app's uploader inside a form. When an upload is
// verified, the widget puts the app's signed form reference in a hidden input named like the
// field; the form's save attaches it. Nothing else of the file reaches the form.
// Widgets added after load (admin inlines' "Add another", dynamic formsets) are mounted when
// they appear; the hidden template form of a formset (`__prefix__`) is left alone.
// Events: see uploader.js; and "direct_to_s3:reference" (detail.upload) when the form's value
// changes.
import { mountUploader, readConfig } from "./uploader.js";

const SELECTOR = "[data-direct-file]";
const mounted = new WeakSet();

// The token Django's CSRF check wants: the form's own field, else the cookie.
function csrfToken(root) {
  const field = root.closest("form")?.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((item) => item.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function isTemplate(root) {
  const input = root.querySelector("input[data-reference]");
  return !input || input.name.includes("__prefix__") || root.closest(".empty-form") !== null;
}

function mount(root) {
  if (mounted.has(root) || isTemplate(root)) return;
  mounted.add(root);
  const multiple = root.dataset.multiple !== undefined;
  root.querySelector("[data-queue]").replaceChildren(); // rows copied along with a cloned form
  const { queue, view, emit } = mountUploader(root, {
    config: readConfig(root, csrfToken(root)),
    visibility: () => root.dataset.visibility,
    pasteAnywhere: false,
    accept: (files) => (multiple ? files : replaceWith(files.slice(0, 1))),
  });
  const references = new Map(); // job → its hidden input

  // One file per field: a new file replaces the one before it, done or still going.
  function replaceWith(files) {
    if (files.length === 0) return files;
    for (const job of [...queue.jobs]) {
      job.cancel();
      queue.remove(job);
    }
    return files;
  }

  // Inputs are found, never built from a stored name: a formset renumbers their names.
  function inputFor() {
    const first = root.querySelector("input[data-reference]");
    if (!multiple || !first.value) return first;
    const input = first.cloneNode();
    input.value = "";
    first.parentNode.appendChild(input);
    return input;
  }

  queue.addEventListener("add", (event) => {
    const { job } = event.detail;
    job.addEventListener("complete", (complete) => {
      const { upload } = complete.detail;
      const input = inputFor();
      input.value = upload.form_reference;
      references.set(job, input);
      const clear = root.querySelector("[data-clear]");
      if (clear) clear.checked = false;
      const chosen = root.querySelector("[data-chosen]");
      if (chosen && !multiple) {
        chosen.textContent = `${upload.filename} will be attached when you save.`;
        chosen.hidden = false;
      }
      emit("reference", { upload });
    });
  });
  // Dismissing a row lets go of its file: it is not attached when the form is saved.
  queue.addEventListener("remove", (event) => {
    const input = references.get(event.detail.job);
    if (!input) return;
    references.delete(event.detail.job);
    const first = root.querySelector("input[data-reference]");
    if (input === first) input.value = "";
    else input.remove();
    const chosen = root.querySelector("[data-chosen]");
    if (chosen && !multiple) chosen.hidden = true;
  });

  // A form sent while a file is still going would save without it.
  const form = root.closest("form");
  if (form) {
    form.addEventListener("submit", (event) => {
      if (!queue.busy()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      view.announce("Wait until the upload finishes, then save again.");
      const wait = root.querySelector("[data-wait]");
      wait.hidden = false;
      wait.focus();
    });
    root.addEventListener("direct_to_s3:state", () => {
      if (!queue.busy()) root.querySelector("[data-wait]").hidden = true;
    });
  }
  // The picker is named by the field's label and its own text ("Cover: Choose a file…"); a
  // formset renumbers ids, not the references to them, so both are set here.
  const pick = root.querySelector("[data-pick]");
  pick.setAttribute("aria-describedby", root.querySelector("[data-hint]").id);
  const label = pick.id ? document.querySelector(`label[for="${CSS.escape(pick.id)}"]`) : null;
  if (label) {
    label.id ||= `${pick.id}_label`;
    pick.setAttribute("aria-labelledby", `${label.id} ${pick.id}`);
  }
  for (const hidden of root.querySelectorAll("[data-needs-script]")) hidden.hidden = false;
  root.querySelector("[data-without-script]").hidden = true;
  root.dataset.ready = "";
  emit("ready");
}

function mountAll(within) {
  if (within.matches?.(SELECTOR)) mount(within);
  for (const root of within.querySelectorAll?.(SELECTOR) ?? []) mount(root);
}

mountAll(document);
new MutationObserver((changes) => {
  for (const change of changes) for (const node of change.addedNodes) mountAll(node);
}).observe(document.documentElement, { childList: true, subtree: true });
