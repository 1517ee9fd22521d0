import { isLosslessNumber, parse } from 'lossless-json';
import { billMonth } from './chicago.js';
import { toMicros } from './model.js';
import type { Wire } from './wire.js';

/** The marketplace's bill of one order and SKU in one month. */
export interface BookLine {
  provisioningId: string;
  productSku: string;
  period: string;
  usageMicros: bigint;
  reports: number;
}

/** The count a usage report carried, exactly as written on the wire. */
export function usageCountOf(text: string): bigint {
  const written = (parse(text) as { usageCount?: unknown }).usageCount;
  if (!isLosslessNumber(written)) throw new Error(`usageCount is not a number: ${text}`);
  const micros = toMicros(written.value);
  if (micros === null) throw new Error(`usageCount has more than 6 decimal places: ${text}`);
  return micros;
}

/**
 * What the marketplace billed, per order, SKU and month: the usage reports the sandbox
 * recorded, each on the month of the collector's clock when it arrived (the sandbox
 * stamps its records with the wall clock, which a history leaves behind). The one place
 * that reads the marketplace's books, to become `GET /_sandbox/ledger` when the sandbox
 * keeps them itself.
 */
export async function marketplaceBooks(marketplace: string, wire: Wire): Promise<BookLine[]> {
  const res = await fetch(`${marketplace}/_sandbox/calls?endpoint=saas-usage`);
  const recorded = (await res.json()) as { id: number }[];
  const lines = new Map<string, BookLine>();
  for (const { id } of recorded) {
    const call = wire.calls.find((c) => c.callId === id && c.path === '/saas-usage/');
    if (!call)
      throw new Error(`the marketplace recorded usage call ${id} that never crossed the wire`);
    const { provisioningId, productSku } = call.body as {
      provisioningId: string;
      productSku: string;
    };
    const period = billMonth(call.at);
    const key = `${provisioningId} ${productSku} ${period}`;
    const line = lines.get(key) ?? {
      provisioningId,
      productSku,
      period,
      usageMicros: 0n,
      reports: 0,
    };
    line.usageMicros += usageCountOf(call.text);
    line.reports += 1;
    lines.set(key, line);
  }
  return [...lines.values()];
}
