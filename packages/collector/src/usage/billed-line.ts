/**
 * One order's SKU in one billed month: the columns the marketplace's ledger (the sandbox's
 * `GET /_sandbox/ledger`) and the collector's reconciliation export share, so the two diff
 * line for line.
 */
export interface BilledLine {
  provisioningId: string;
  customerId: string;
  productSku: string;
  /** The billed month (`YYYY-MM`, Chicago; a report's as `billedMonth` places it). */
  period: string;
  /** The SKU's billing start (the same on each of its lines); null while it has none. */
  billingStartedAt: string | null;
  /** The month's usage, summed exactly: a JSON number when a double holds it, else a string. */
  usageCount: number | string;
  /** Usage reports on this line. */
  reports: number;
  /** Of those, how many arrived in the month-end blackout. */
  lateReports: number;
  /** The SKU's end (the same on each of its lines); null while it runs. */
  endedAt: string | null;
}

/** The shared columns, in the ledger's order. */
export const BILLED_LINE_COLUMNS = [
  'provisioningId',
  'customerId',
  'productSku',
  'period',
  'billingStartedAt',
  'usageCount',
  'reports',
  'lateReports',
  'endedAt',
] as const satisfies readonly (keyof BilledLine)[];
