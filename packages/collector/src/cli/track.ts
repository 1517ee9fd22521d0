import type { z } from 'zod';
import { loadOnrampBaseUrl } from '../config.js';
import { createOnrampClient } from '../outbox/onramp-client.js';
import { customerIdSchema, tokenSchema } from '../tracking/beacon-schema.js';
import { type CliIo, EXIT, UsageError } from './io.js';

const check = (name: string, schema: z.ZodType<string>, value: string) => {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${name} ${result.error.issues[0]?.message}`);
  return result.data;
};

// What the onramp answers (or whatever listens at ONRAMP_BASE_URL) goes to a terminal:
// control and invisible format characters are shown as \uXXXX escapes, never obeyed.
const printable = (text: string) =>
  text.replace(
    /[\p{Cc}\p{Cf}\p{Cs}]/gu,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );

/** Parses a purchase time; defaults to now. Returns ISO-8601 UTC. */
export function parsePurchasedAt(value: string | undefined, now: number): string {
  if (value === undefined) return new Date(now).toISOString();
  const time = value.trim() === '' ? Number.NaN : Date.parse(value);
  if (Number.isNaN(time))
    throw new UsageError(
      `purchased-at "${value}" is not a date (use ISO-8601, e.g. 2025-01-31T12:00:00Z)`,
    );
  return new Date(time).toISOString();
}

/** `track`: one SaasTracking call, as the seed script did, with its arguments checked. */
export async function runTrack(
  args: {
    partnerKey: string;
    serviceName: string;
    customerId: string;
    purchasedAt: string | undefined;
  },
  options: { timeoutMs: number },
  io: CliIo,
): Promise<number> {
  const tracking = {
    partnerKey: check('partner-key', tokenSchema, args.partnerKey),
    serviceName: check('service-name', tokenSchema, args.serviceName),
    customerId: check('customer-id', customerIdSchema, args.customerId),
    purchasedAt: parsePurchasedAt(args.purchasedAt, Date.now()),
  };
  const baseUrl = loadOnrampBaseUrl(io.env);
  const onramp = createOnrampClient({
    timeoutMs: options.timeoutMs,
    ...(io.fetch && { fetch: io.fetch }),
  });
  const url = `${baseUrl}/api/SaasTrackings`;
  io.stderr.write(`POST ${url} purchasedAt=${tracking.purchasedAt}\n`);
  const result = await onramp.post(url, tracking);
  if (result.type === 'network-error') {
    io.stderr.write(`error: ${printable(result.error)}\n`);
    return EXIT.failed;
  }
  io.stdout.write(`status: ${result.status}\nbody: ${printable(result.body)}\n`);
  return result.ok ? EXIT.ok : EXIT.failed;
}
