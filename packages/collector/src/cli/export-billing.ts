import { loadSkuBilling } from '../config.js';
import { loadReconciliation } from '../reconciliation/reconciliation.js';
import {
  formatReconciliation,
  RECONCILIATION_FORMATS,
  type ReconciliationFormat,
} from '../reconciliation/reconciliation-format.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { fileOutput, type Output, stdoutOutput } from './output.js';
import { checkPeriod } from './usage.js';

/** Options of `clm-collector export --billing`. */
export interface BillingExportOptions {
  format: string;
  period?: string | undefined;
  output?: string | undefined;
}

/**
 * `export --billing`: the reconciliation of billing per order, SKU and billed month, and
 * every billing call with its state, as CSV or JSON, to stdout or an owner-only file.
 */
export async function runBillingExport(options: BillingExportOptions, io: CliIo): Promise<number> {
  const format = options.format as ReconciliationFormat;
  if (!RECONCILIATION_FORMATS.includes(format))
    throw new UsageError(`--billing writes csv or json, not ${options.format}`);
  const period = options.period === undefined ? undefined : checkPeriod(options.period);
  const billing = loadSkuBilling(io.env);
  return withAdminStore(io, async (store) => {
    const reconciliation = await loadReconciliation(store, billing, period);
    const output: Output = options.output
      ? await fileOutput(options.output)
      : stdoutOutput(io.stdout);
    try {
      await output.write(formatReconciliation(reconciliation, format));
      await output.commit();
    } catch (error) {
      await output.abort();
      throw error;
    }
    const { lines, calls } = reconciliation;
    io.stderr.write(
      `exported ${lines.length} ledger lines and ${calls.length} billing calls (${format}) to ${output.name}\n`,
    );
    return EXIT.ok;
  });
}
