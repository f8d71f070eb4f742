// Whether a file's type matches one of the patterns (`image/png`, `image/*`, `*/*`): the
// server's rule (content_types.py), so the page refuses before sending what it would refuse.
export function typeAllowed(type, patterns) {
  const kind = type.split(";", 1)[0].trim().toLowerCase();
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    if (pattern === kind || pattern === "*/*" || pattern === "*") return true;
    return pattern.endsWith("/*") && kind.startsWith(pattern.slice(0, -1));
  });
}
