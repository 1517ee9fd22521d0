/**
 * Whether a `Content-Type` declares UTF-8 or no charset at all. Bodies in other charsets
 * body-parser could decode (UTF-7, UTF-16…) would only widen what a hostile client can
 * smuggle past the schemas, so the JSON endpoints take UTF-8 alone.
 */
export function isUtf8ContentType(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}
