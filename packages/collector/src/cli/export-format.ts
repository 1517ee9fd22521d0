import { type CsvValue, csvLine } from '../csv.js';
import { fingerprint } from '../log.js';
import type { Relay } from '../store/types.js';

/** Formats `clm-collector export` writes. */
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// The provider key itself stays out: exports end up in spreadsheets and tickets, and
// the key is what the onramp credits purchases to. Its fingerprint (the one the logs
// print) still tells the keys of a multi-key collector apart.
const columns = {
  id: (r) => r.id,
  kind: (r) => r.kind,
  service_name: (r) => r.serviceName,
  customer_id: (r) => r.customerId,
  status: (r) => r.status,
  attempts: (r) => r.attempts,
  purchased_at: (r) => r.purchasedAt,
  created_at: (r) => iso(r.createdAt),
  delivered_at: (r) => iso(r.deliveredAt),
  last_status: (r) => r.lastStatus,
  last_error: (r) => r.lastError,
  partner_key_fingerprint: (r) => fingerprint(r.partnerKey),
} satisfies Record<string, (relay: Relay) => CsvValue>;

const names = Object.keys(columns) as (keyof typeof columns)[];

/** The header line of an export (none for JSON Lines). */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? csvLine(names) : '';
}

/** One relay as an export line, with its line terminator. */
export function exportLine(format: ExportFormat, relay: Relay): string {
  const values = names.map((name) => columns[name](relay));
  if (format === 'csv') return csvLine(values);
  return `${JSON.stringify(Object.fromEntries(names.map((name, i) => [name, values[i]])))}\n`;
}
