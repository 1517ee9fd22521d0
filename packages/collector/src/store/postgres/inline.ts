/** A value {@link inlined} writes into SQL. */
export type InlineValue = number | boolean | string | readonly string[];

const literal = (value: InlineValue): string => {
  if (typeof value === 'object') return `ARRAY[${value.map(literal).join(', ')}]::text[]`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer to inline: ${value}`);
    return String(value);
  }
  // standard_conforming_strings (on since PostgreSQL 9.1): only the quote is special.
  return `'${value.replaceAll("'", "''")}'`;
};

/**
 * `sql` with its `$n` placeholders replaced by `params[n - 1]` written as SQL literals, so
 * that several statements go in one message: the simple query protocol takes no
 * parameters, and runs the statements of one message in one transaction, in one round
 * trip. For integers, booleans and text (or text arrays) of the collector's own only, never
 * input.
 */
export function inlined(sql: string, params: readonly InlineValue[]): string {
  return sql.replace(/\$(\d+)/g, (placeholder, n: string) => {
    const value = params[Number(n) - 1];
    if (value === undefined) throw new RangeError(`no value for ${placeholder}`);
    return literal(value);
  });
}
