/**
 * Text that comes from outside (customer ids, marketplace and provider answers) on one
 * line of at most `max` characters, with no control or format characters that could
 * rewrite the terminal.
 */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** An ISO-8601 time as `2025-03-01 12:00:00` (UTC); `-` for none. */
export const utc = (iso: string | null): string =>
  iso === null ? '-' : iso.slice(0, 19).replace('T', ' ');

/** Rows as aligned columns, each line indented by two spaces; the first row is the heading. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows
    .map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}

export { plural } from '../plural.js';
