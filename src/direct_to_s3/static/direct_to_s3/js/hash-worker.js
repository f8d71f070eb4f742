// The body of one hashing worker (see hashing.js, which loads hash-wasm's MD5 before it).
// Answers {id, blob} with {id, digest}, the blob's MD5 in base64 as S3's Content-MD5 wants it,
// or {id, error}. Reads the blob slice by slice, so a part is never held in memory whole.
// The pool sends one job at a time to each worker: the hasher is never shared by two.
/* global hashwasm */
const SLICE = 4 * 1024 * 1024;
let hasher = null;

self.addEventListener("message", async (event) => {
  const { id, blob } = event.data;
  try {
    hasher = hasher || (await hashwasm.createMD5());
    hasher.init();
    for (let start = 0; start < blob.size; start += SLICE) {
      hasher.update(new Uint8Array(await blob.slice(start, start + SLICE).arrayBuffer()));
    }
    const digest = hasher.digest("binary");
    self.postMessage({ id, digest: btoa(String.fromCharCode(...digest)) });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
});
