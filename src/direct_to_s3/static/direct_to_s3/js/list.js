// The list of the user's files beside the uploader, which htmx renders and refreshes on
// "direct_to_s3:changed" (from the body): refreshes as uploads complete, errors htmx would
// leave unsaid, and "Copy link" on public files.

const LIST_REFRESH_MS = 1000; // at most one list refresh this often while files complete

// A folder completes files several times a second: refresh at once for the first, then at most
// once per LIST_REFRESH_MS, always once after the last.
function refreshOnCompletion() {
  let refreshedAt = 0;
  let due = null;
  document.addEventListener("direct_to_s3:upload-complete", () => {
    if (due) return;
    due = setTimeout(
      () => {
        due = null;
        refreshedAt = Date.now();
        document.body.dispatchEvent(new CustomEvent("direct_to_s3:changed"));
      },
      Math.max(0, refreshedAt + LIST_REFRESH_MS - Date.now()),
    );
  });
}

// htmx leaves the page as it was when a list request fails: say so instead.
function reportListErrors() {
  const listError = document.querySelector("[data-list-error]");
  if (!listError) return;
  const show = (message) => {
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
    show(
      `Your files could not be updated (the app answered ${xhr.status}). ` +
        "Reload the page to see where things stand, then try again.",
    );
  });
  document.body.addEventListener("htmx:sendError", () => {
    show("The app cannot be reached. Check your network, then try again.");
  });
}

async function copyLink(button, announcer) {
  const url = new URL(button.dataset.copyLink, window.location.href).href;
  try {
    await navigator.clipboard.writeText(url);
  } catch {
    window.prompt("Copy this link:", url); // no clipboard access (e.g. plain http)
    return;
  }
  const label = button.textContent;
  button.textContent = "Copied";
  if (announcer) announcer.textContent = "Link copied";
  setTimeout(() => {
    button.textContent = label;
  }, 2000);
}

// `announcer`: the aria-live element that says what happened.
export function bindList(announcer) {
  refreshOnCompletion();
  reportListErrors();
  // The list is re-rendered by htmx: listen on the document.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-link]");
    if (button) copyLink(button, announcer);
  });
}
