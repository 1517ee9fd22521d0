import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of a forwarded provisioning request. */
export const SIGNATURE_HEADER = 'X-CLM-Signature';

/** How far a signature's timestamp may be from the verifier's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * The `X-CLM-Signature` value for `body` sent at `timestamp` (Unix seconds):
 * `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>`.
 */
export function signForward(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * Checks a forwarded request's signature header against its raw body: true when it was
 * signed with `secret` within `toleranceSeconds` of `nowSeconds`. For providers' servers
 * (and the demo's); the comparison takes the same time wherever the values differ.
 */
export function verifyForwardSignature(options: {
  secret: string;
  header: string | undefined;
  body: string;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): boolean {
  const { secret, header = '', body } = options;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const fields = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = fields.get('t') ?? '';
  const given = Buffer.from(fields.get('v1') ?? '', 'utf8');
  if (!/^\d{1,12}$/.test(t) || Math.abs(now - Number(t)) > tolerance) return false;
  const expected = Buffer.from(hmac(secret, Number(t), body), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
