// Parsed against a placeholder origin: whatever leaves it (`//evil`, `https://…`, `\\evil`
// once the parser reads it as `//evil`) or reads differently once normalized (`..`,
// `%2e%2e`, tabs and newlines the parser drops) is not a path of this collector's admin.
const BASE = 'http://admin.invalid';
const PATH = /^\/admin(?:\/[\w.~-]+)*\/?$/;
const QUERY = /^(?:\?[\w.~%=&+-]*)?$/;

/**
 * Where a sign-in may send the browser afterwards: `next` when it is a path of the admin
 * pages on this collector (`/admin`, `/admin/orders?started=1`), else null. No open
 * redirect: absolute URLs, `//host`, backslashes, `..` (plain or encoded), encoded
 * slashes and control characters are refused.
 */
export function safeReturnPath(next: unknown): string | null {
  if (typeof next !== 'string' || next.length > 512 || !next.startsWith('/admin')) return null;
  if (/[\\\s%]/.test(next.split('?')[0] ?? '')) return null;
  if (!URL.canParse(next, BASE)) return null;
  const url = new URL(next, BASE);
  if (url.origin !== BASE || url.hash !== '' || `${url.pathname}${url.search}` !== next)
    return null;
  return PATH.test(url.pathname) && QUERY.test(url.search) ? next : null;
}

/** The sign-in page to send a visitor without a session to, coming back to `path` after. */
export const signInPath = (path: string): string => {
  const next = safeReturnPath(path);
  return next === null || next === '/admin' ? '/admin' : `/admin?next=${encodeURIComponent(next)}`;
};
