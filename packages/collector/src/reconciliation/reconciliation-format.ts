import { type CsvValue, csvLine } from '../csv.js';
import { BILLED_LINE_COLUMNS } from '../usage/billed-line.js';
import type { Reconciliation } from './reconciliation.js';
import type { ReconciliationCall } from './reconciliation-calls.js';

/** Formats of the reconciliation export. */
export const RECONCILIATION_FORMATS = ['csv', 'json'] as const;
export type ReconciliationFormat = (typeof RECONCILIATION_FORMATS)[number];

// What tells the calls apart.
const CALL = [
  'usagePeriod',
  'relayId',
  'sentAt',
  'late',
  'state',
  'marketplaceStatus',
  'marketplaceAnswer',
] as const satisfies readonly (keyof ReconciliationCall)[];

/**
 * The CSV columns of the reconciliation export: the marketplace ledger's first, in its
 * order, so `record=month` rows cut to nine columns diff against it; then the calls'.
 */
export const RECONCILIATION_COLUMNS = [...BILLED_LINE_COLUMNS, 'record', ...CALL] as const;

const cell = (value: unknown): CsvValue =>
  value === null || value === undefined
    ? null
    : typeof value === 'number' || typeof value === 'string'
      ? value
      : String(value);

const row = (record: string, values: Partial<Record<string, unknown>>) =>
  csvLine(RECONCILIATION_COLUMNS.map((name) => (name === 'record' ? record : cell(values[name]))));

const keyOf = (item: { provisioningId: string; productSku: string }) =>
  JSON.stringify([item.provisioningId, item.productSku]);

/**
 * The export as CSV (RFC 4180): per order and SKU (by provisioning id, then SKU), its month
 * rows (`record` month: the ledger's line) then its calls (`start`, `usage`, `end`, with
 * their own columns), oldest first.
 */
export function reconciliationCsv({ lines, calls }: Reconciliation): string {
  const groups = new Map<string, string[]>();
  const add = (key: string, text: string) => groups.set(key, [...(groups.get(key) ?? []), text]);
  for (const line of lines) add(keyOf(line), row('month', { ...line }));
  for (const call of calls) add(keyOf(call), row(call.record, { ...call, reports: null }));
  const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return csvLine(RECONCILIATION_COLUMNS) + keys.flatMap((key) => groups.get(key) ?? []).join('');
}

/** The export as one JSON document: `{lines, calls}`, `lines` shaped as the ledger's. */
export const reconciliationJson = (reconciliation: Reconciliation): string =>
  `${JSON.stringify(reconciliation, null, 2)}\n`;

/** The export in `format`. */
export const formatReconciliation = (
  reconciliation: Reconciliation,
  format: ReconciliationFormat,
): string =>
  format === 'csv' ? reconciliationCsv(reconciliation) : reconciliationJson(reconciliation);
