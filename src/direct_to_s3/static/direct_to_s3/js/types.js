// Which file types are accepted: the server's rule (direct_to_s3/content_types.py `matches`),
// so the page refuses before any request exactly what the server would refuse.
// Patterns are exact types (image/png), families (image/*) or */*; case and parameters
// (; charset=utf-8) do not count.

// What a file of no recognisable type is sent as (a browser's File.type is then "").
export const UNKNOWN_TYPE = "application/octet-stream";

const essence = (type) => (type || "").split(";", 1)[0].trim().toLowerCase();

// What the server stores of a declared type: no parameters, lower case, "" as UNKNOWN_TYPE.
export function typeEssence(type) {
  return essence(type) || UNKNOWN_TYPE;
}

export function typeAllowed(type, patterns) {
  const kind = essence(type);
  const family = kind.includes("/") ? `${kind.split("/", 1)[0]}/*` : null;
  return patterns.some((pattern) => {
    const wanted = pattern.trim().toLowerCase();
    return wanted === kind || wanted === family || wanted === "*/*";
  });
}
