// What can go wrong with an upload, in words a person understands.

export class UploadCancelled extends Error {}

// `permanent`: retrying cannot help (the file or the request is wrong), so no Retry button.
// `retryTicket`: the permission expired; a fresh ticket or part URL will do.
export class UserFacingError extends Error {
  constructor(message, { retryTicket = false, permanent = false } = {}) {
    super(message);
    this.retryTicket = retryTicket;
    this.permanent = permanent;
  }
}

// S3 answers errors as XML; turn its codes into words.
export function storageError(status, body) {
  const code = (/<Code>([^<]+)<\/Code>/.exec(body || "") || [])[1] || "";
  const message = (/<Message>([^<]+)<\/Message>/.exec(body || "") || [])[1] || "";
  if (status === 0) {
    return new UserFacingError("The connection to storage was lost. Check your network, then retry.");
  }
  if (code === "EntityTooLarge") {
    return new UserFacingError("Storage refused the file: it is larger than announced.", {
      permanent: true,
    });
  }
  if (code === "EntityTooSmall") {
    return new UserFacingError("Storage refused the file: it is smaller than announced.", {
      permanent: true,
    });
  }
  if (/expired/i.test(message) || /expired/i.test(code)) {
    return new UserFacingError("The upload permission expired.", { retryTicket: true });
  }
  if (status === 403) {
    return new UserFacingError(
      "Storage refused the file because it does not match what was announced.",
      { permanent: true },
    );
  }
  if (status >= 500) {
    return new UserFacingError("Storage is having trouble right now. Please retry shortly.");
  }
  return new UserFacingError(`Storage refused the file (${code || `HTTP ${status}`}).`, {
    permanent: status >= 400 && status < 500,
  });
}
