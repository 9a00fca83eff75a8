// Content-Disposition for a download whose name is Chinese: RFC 6266 with the RFC 5987 `filename*`
// (UTF-8, percent-encoded) that browsers use, and a plain ASCII `filename` for the others.

/** Percent-encodes everything outside RFC 5987's attr-char set. */
const encodeRfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function attachmentDisposition(fileName: string, asciiFallback: string): string {
  const ascii = /^[\x20-\x7e]+$/.test(fileName) ? fileName : asciiFallback;
  const quoted = ascii.replace(/["\\]/g, '_');
  return `attachment; filename="${quoted}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}
