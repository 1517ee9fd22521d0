import { isLosslessNumber, parse } from 'lossless-json';
import { toMicros } from './model.js';

/** The marketplace's bill of one order and SKU in one month. */
export interface BookLine {
  provisioningId: string;
  productSku: string;
  period: string;
  usageMicros: bigint;
  reports: number;
  lateReports: number;
  billingStartedAt: string | null;
  endedAt: string | null;
}

// A count as the marketplace wrote it: a JSON number, or a string past a double's digits.
function microsOf(written: unknown, where: string): bigint {
  const text = isLosslessNumber(written) ? written.value : written;
  const micros = typeof text === 'string' ? toMicros(text) : null;
  if (micros === null)
    throw new Error(`${where}: not a count of at most 6 decimals: ${String(text)}`);
  return micros;
}

/** The count a usage report carried, exactly as written on the wire. */
export const usageCountOf = (text: string): bigint =>
  microsOf((parse(text) as { usageCount?: unknown }).usageCount, text);

/**
 * What the marketplace billed, per order, SKU and month: the sandbox's ledger
 * (`GET /_sandbox/ledger`), its counts read as written.
 */
export async function marketplaceBooks(marketplace: string): Promise<BookLine[]> {
  const text = await (await fetch(`${marketplace}/_sandbox/ledger`)).text();
  const { lines } = parse(text) as { lines: Record<string, unknown>[] };
  return lines.map((line) => ({
    provisioningId: line.provisioningId as string,
    productSku: line.productSku as string,
    period: line.period as string,
    usageMicros: microsOf(line.usageCount, 'ledger usageCount'),
    reports: Number((line.reports as { value: string }).value),
    lateReports: Number((line.lateReports as { value: string }).value),
    billingStartedAt: line.billingStartedAt as string | null,
    endedAt: line.endedAt as string | null,
  }));
}
