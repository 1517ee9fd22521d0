import type { z } from 'zod';
import { loadDbPath, loadOnrampBaseUrl } from '../config.js';
import { createOnrampClient } from '../outbox/onramp-client.js';
import { customerIdSchema, tokenSchema } from '../tracking/beacon-schema.js';
import { type SaasTracking, saasTrackingKind } from '../tracking/saas-tracking.js';
import { dbExists, withAdminStore } from './admin-store.js';
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

// A date-time with its zone: "10:00" alone would be read in whatever zone this machine is.
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses a purchase time (ISO-8601 with a zone); defaults to now. Returns ISO-8601 UTC. */
export function parsePurchasedAt(value: string | undefined, now: number): string {
  if (value === undefined) return new Date(now).toISOString();
  const time = WITH_ZONE.test(value.trim()) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw new UsageError(
      `purchased-at "${value}" is not an ISO-8601 date-time with a zone (e.g. 2025-01-31T12:00:00Z or 2025-01-31T06:00:00-06:00)`,
    );
  return new Date(time).toISOString();
}

// What track does not do, said before it does it.
const BYPASS =
  'track sends one SaasTracking straight to the onramp: it is not stored, retried or shown\n' +
  'in status or the dashboard. Report purchases through the pixel or POST /api/purchases so\n' +
  'the collector relays them once, durably.\n';

/**
 * The relay the collector at `$CLM_DB` already has for this customer, when that database
 * exists: sending again would report the purchase twice.
 */
async function alreadyRelayed(io: CliIo, tracking: SaasTracking): Promise<string | null> {
  if (!dbExists(loadDbPath(io.env))) return null;
  const relay = await withAdminStore(io, (store) =>
    store.findRelay('saas_tracking', saasTrackingKind.dedupeKey(tracking)),
  );
  return relay && `relay #${relay.id} (${relay.status}, purchasedAt ${relay.purchasedAt})`;
}

/** `track`: one SaasTracking call, as the seed script did, with its arguments checked. */
export async function runTrack(
  args: {
    partnerKey: string;
    serviceName: string;
    customerId: string;
    purchasedAt: string | undefined;
  },
  options: { timeoutMs: number; force?: boolean },
  io: CliIo,
): Promise<number> {
  const tracking = {
    partnerKey: check('partner-key', tokenSchema, args.partnerKey),
    serviceName: check('service-name', tokenSchema, args.serviceName),
    customerId: check('customer-id', customerIdSchema, args.customerId),
    purchasedAt: parsePurchasedAt(args.purchasedAt, Date.now()),
  };
  const baseUrl = loadOnrampBaseUrl(io.env);
  io.stderr.write(BYPASS);
  const existing = options.force ? null : await alreadyRelayed(io, tracking);
  if (existing) {
    io.stderr.write(
      `the collector's database already holds this customer's purchase as ${existing}: not sent again (--force sends anyway)\n`,
    );
    return EXIT.failed;
  }
  const onramp = createOnrampClient({ timeoutMs: options.timeoutMs });
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
