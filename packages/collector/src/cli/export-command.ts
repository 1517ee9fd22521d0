import type { RelayStatus } from '../store/types.js';
import { runExport } from './export.js';
import { runBillingExport } from './export-billing.js';
import type { ExportFormat } from './export-format.js';
import { type CliIo, UsageError } from './io.js';

/** The options of `clm-collector export`. */
export interface ExportCliOptions {
  format: string;
  status?: RelayStatus;
  output?: string;
  billing?: boolean;
  period?: string;
}

/** One command, two exports: the relays (by status) or the billing reconciliation (by month). */
export function exportCommand(options: ExportCliOptions, io: CliIo): Promise<number> {
  const { format, status, output, billing, period } = options;
  if (billing) {
    if (status !== undefined)
      throw new UsageError('--status is for the relay export, not --billing');
    return runBillingExport({ format, period, output }, io);
  }
  if (period !== undefined) throw new UsageError('--period needs --billing');
  if (format === 'json')
    throw new UsageError('the relay export writes csv or jsonl; json is for --billing');
  return runExport({ format: format as ExportFormat, status, output }, io);
}
