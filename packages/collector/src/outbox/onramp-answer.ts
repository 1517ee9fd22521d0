/** What one onramp call came to. */
export type OnrampResult =
  | {
      type: 'response';
      ok: boolean;
      status: number;
      body: string;
      /** The `Retry-After` header, if any. */
      retryAfter: string | null;
    }
  | {
      type: 'network-error';
      ok: false;
      error: string;
      timedOut: boolean;
      /** The connection failed before the request was written: it certainly did not arrive. */
      notSent: boolean;
    };

/** Most of an answer read, in bytes: what the relay row keeps (outbox/policy.ts). */
export const MAX_ANSWER_BYTES = 2048;

/** Socket errors raised before a connection exists: nothing of the request was written. */
export const BEFORE_CONNECT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The answer read so far as text: its first {@link MAX_ANSWER_BYTES} bytes, cut between
 * characters, with "…" when there was `more`.
 */
export function cutAnswer(chunks: readonly Uint8Array[], more: boolean): string {
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  // A cut inside a character backs up to its first byte (continuation bytes are 10xxxxxx).
  let end = Math.min(bytes.length, MAX_ANSWER_BYTES);
  if (more) while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  const text = new TextDecoder().decode(bytes.subarray(0, end));
  return more ? `${text}…` : text;
}

/** A call that got no answer. */
export const networkError = (
  error: string,
  { timedOut, notSent }: { timedOut: boolean; notSent: boolean },
): OnrampResult => ({ type: 'network-error', ok: false, error, timedOut, notSent });
