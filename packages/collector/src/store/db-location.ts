/** Whether `CLM_DB` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db.trim());

/**
 * `CLM_DB` as it may be shown: a PostgreSQL URL with its password replaced by `***`
 * (`postgres://user:***@host/db`) and without its query string (which may carry one too);
 * a SQLite path as it is. When in doubt (a password written without percent-encoding)
 * more is hidden, never less.
 */
export function redactDbUrl(db: string): string {
  if (!isPostgresUrl(db)) return db;
  const trimmed = db.trim();
  const scheme = trimmed.slice(0, trimmed.indexOf('//') + 2);
  const rest = trimmed.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? '' : rest.slice(0, at);
  // An '@' after the host (in the path or query) does not end a user part.
  const mark = userinfo.search(/[:/?#]/);
  const hasUser = at !== -1 && (mark === -1 || userinfo[mark] === ':');
  const user = !hasUser ? '' : mark === -1 ? `${userinfo}@` : `${userinfo.slice(0, mark)}:***@`;
  const location = (hasUser ? rest.slice(at + 1) : rest).split(/[?#]/, 1)[0] ?? '';
  return `${scheme}${user}${location}`;
}
