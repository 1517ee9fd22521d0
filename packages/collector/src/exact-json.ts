import { LosslessNumber, parse, stringify } from 'lossless-json';
import { nestedTooDeep, TOO_DEEP } from './json-depth.js';

/**
 * A JSON number a double does not carry as written (`9007199254740993`, `12.50`, `1e3`),
 * kept as its text. {@link stringifyExact} writes it back as that number; plain
 * `JSON.stringify` (the admin API, the CLI) writes its digits as a string, never rounded.
 */
class ExactNumber extends LosslessNumber {
  toJSON(): string {
    return this.value;
  }
}

// A number reads as a plain number when writing it back gives the same text.
const parseNumber = (text: string) =>
  String(Number(text)) === text ? Number(text) : new ExactNumber(text);

/**
 * Parses JSON text keeping each number as written. Throws a SyntaxError as `JSON.parse`
 * does, and for text nested deeper than `MAX_JSON_DEPTH` (json-depth.ts), which would
 * otherwise overflow the parser's stack; a key given twice keeps its last value, as with
 * `JSON.parse`.
 */
export function parseExact(text: string): unknown {
  if (nestedTooDeep(text)) throw new SyntaxError(`JSON not read: ${TOO_DEEP}`);
  return parse(text, null, { parseNumber, onDuplicateKey: ({ newValue }) => newValue });
}

/** JSON text of a value from {@link parseExact}, its numbers as they were written. */
export const stringifyExact = (value: unknown): string => stringify(value) ?? 'null';

/** The text of a JSON number as written, or null when `value` is not one. */
export function numberText(value: unknown): string | null {
  if (value instanceof LosslessNumber) return value.value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}
