import { chicagoMonth, closeOf, followingMonth, inBlackout } from './chicago.js';

/**
 * What the contract (PRODUCT.md, "Marketplace SaaS v2 contract") says a collector must do,
 * kept by hand: its own micro-unit arithmetic, period rules and blackout (chicago.ts).
 */

const SCALE = 1_000_000n;

/** Micro-units of a plain decimal (`12.5`, `0.300`); null when it has more than 6 places. */
export function toMicros(text: string): bigint | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a plain decimal: ${text}`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 6) return null;
  return BigInt(match[1] as string) * SCALE + BigInt(fraction.padEnd(6, '0'));
}

/** The shortest decimal of micro-units. */
export function decimalOf(micros: bigint): string {
  const fraction = (micros % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return `${micros / SCALE}${fraction && `.${fraction}`}`;
}

// A double reads back every decimal of at most 15 significant digits, not every longer one.
const fitsDouble = (micros: bigint) =>
  decimalOf(micros).replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length <= 15;

/** The SKUs orders are made of. */
export const SKUS = ['SKU-A', 'SKU-B', 'SKU-C'];

export interface ModelOrder {
  id: string;
  customerId: string;
  skus: string[];
  /** When each terminated SKU ended. */
  ended: Map<string, number>;
  /** SKUs whose billing start was asked for (before any end). */
  started: Set<string>;
}

export interface ModelEvent {
  eventId: string;
  order: string;
  sku: string;
  micros: bigint;
  occurredAt: number;
  receivedAt: number;
  /** The period it counts in. */
  period: string;
}

/** One report the collector owes the marketplace: one per (order, SKU, period). */
export interface ModelReport {
  order: string;
  sku: string;
  period: string;
  micros: bigint;
  queuedAt: number;
  /** Its count has more digits than a double carries: never sent. */
  held: boolean;
  /** Due to be sent (queued, or resent by the operator) and not sent yet. */
  waiting: boolean;
  /** The instants it went out (the first send, then one per operator resend). */
  sends: number[];
}

/** An event of a usage request, as the model reads it. */
export interface RequestedEvent {
  eventId: string;
  order: string;
  sku: string;
  /** null: more than 6 decimal places. */
  micros: bigint | null;
  /** The `occurredAt` written, if any. */
  given?: number;
}

export type UsageResult =
  | { eventId: string; result: 'recorded' | 'duplicate'; period: string }
  | { eventId: string; result: 'unknown-order' | 'unknown-sku' | 'terminated' | 'conflict' };

const REFUSAL_STATUS = { 'unknown-order': 404, 'unknown-sku': 400, terminated: 409, conflict: 409 };

export const reportKey = (order: string, sku: string, period: string) =>
  `${order} ${sku} ${period}`;

/** The model of one collector and what it owes the marketplace. */
export class Model {
  orders: ModelOrder[] = [];
  events: ModelEvent[] = [];
  lastClosed: string | null = null;
  reports = new Map<string, ModelReport>();
  private byId = new Map<string, ModelEvent>();

  order(id: string) {
    return this.orders.find((o) => o.id === id);
  }

  /** The answer to `POST /api/usage` at `now`, recording what it stores. */
  usage(request: RequestedEvent[], now: number): { status: number; results?: UsageResult[] } {
    if (request.some((e) => e.micros === null || (e.given ?? now) > now + 60_000)) {
      return { status: 400 };
    }
    const seen = new Map(this.byId);
    const fresh: ModelEvent[] = [];
    const results = request.map((e): UsageResult => {
      const occurredAt = Math.min(e.given ?? now, now);
      const first = seen.get(e.eventId);
      if (first) {
        const same =
          first.order === e.order &&
          first.sku === e.sku &&
          first.micros === e.micros &&
          (e.given === undefined || Math.min(e.given, first.receivedAt) === first.occurredAt);
        return same
          ? { eventId: e.eventId, result: 'duplicate', period: first.period }
          : { eventId: e.eventId, result: 'conflict' };
      }
      const own = chicagoMonth(occurredAt);
      const period =
        this.lastClosed !== null && own <= this.lastClosed ? followingMonth(this.lastClosed) : own;
      const event = { ...e, micros: e.micros as bigint, occurredAt, receivedAt: now, period };
      seen.set(e.eventId, event);
      const order = this.order(e.order);
      if (!order) return { eventId: e.eventId, result: 'unknown-order' };
      if (!order.skus.includes(e.sku)) return { eventId: e.eventId, result: 'unknown-sku' };
      if (order.ended.has(e.sku)) return { eventId: e.eventId, result: 'terminated' };
      fresh.push(event);
      return { eventId: e.eventId, result: 'recorded', period };
    });
    const refused = results.find((r) => r.result !== 'recorded' && r.result !== 'duplicate');
    if (refused) return { status: REFUSAL_STATUS[refused.result as keyof typeof REFUSAL_STATUS] };
    for (const event of fresh) {
      this.events.push(event);
      this.byId.set(event.eventId, event);
    }
    return { status: fresh.length > 0 ? 202 : 200, results };
  }

  /** `POST /api/billing/start`: its status. */
  start(id: string, skus: string[] | undefined): number {
    const order = this.order(id);
    if (!order) return 404;
    const named = skus ?? order.skus;
    if (named.some((sku) => !order.skus.includes(sku))) return 400;
    if (named.some((sku) => order.ended.has(sku))) return 409;
    const fresh = named.filter((sku) => !order.started.has(sku));
    for (const sku of fresh) order.started.add(sku);
    return fresh.length > 0 ? 202 : 200;
  }

  /** `POST /api/subscriptions/:id/terminate`: its status; open usage is reported first. */
  terminate(id: string, skus: string[] | undefined, now: number): number {
    const order = this.order(id);
    if (!order) return 404;
    const named = skus ?? order.skus;
    if (named.some((sku) => !order.skus.includes(sku))) return 400;
    const active = named.filter((sku) => !order.ended.has(sku));
    if (active.length === 0) return 409;
    for (const sku of active) {
      order.ended.set(sku, now);
      for (const period of this.openPeriodsOf(id, sku)) this.queue(id, sku, period, now);
    }
    return 202;
  }

  private openPeriodsOf(order: string, sku: string): string[] {
    const periods = this.events
      .filter((e) => e.order === order && e.sku === sku && this.isOpen(e.period))
      .map((e) => e.period);
    return [...new Set(periods)].sort();
  }

  private isOpen = (period: string) => this.lastClosed === null || period > this.lastClosed;

  private queue(order: string, sku: string, period: string, now: number) {
    const key = reportKey(order, sku, period);
    if (this.reports.has(key)) return;
    const micros = this.events
      .filter((e) => e.order === order && e.sku === sku && e.period === period)
      .reduce((sum, e) => sum + e.micros, 0n);
    const held = !fitsDouble(micros);
    this.reports.set(key, {
      order,
      sku,
      period,
      micros,
      queuedAt: now,
      held,
      waiting: !held,
      sends: [],
    });
  }

  private close(period: string, now: number) {
    this.lastClosed = period;
    for (const e of this.events) if (e.period === period) this.queue(e.order, e.sku, period, now);
  }

  private firstOpenPeriod(): string | null {
    const open = this.events
      .map((e) => e.period)
      .filter(this.isOpen)
      .sort();
    return open[0] ?? null;
  }

  /** The scheduler's check at `now`: every period whose close has passed, outside the blackout. */
  tick(now: number): void {
    if (inBlackout(now)) return;
    let period =
      this.lastClosed !== null ? followingMonth(this.lastClosed) : this.firstOpenPeriod();
    while (period !== null && closeOf(period) <= now) {
      this.close(period, now);
      period = followingMonth(period);
    }
  }

  /** Closing the open period now (the dashboard's "close now"): false when refused. */
  closeEarly(now: number): boolean {
    const current = chicagoMonth(now);
    const open =
      this.lastClosed !== null && this.lastClosed >= current
        ? followingMonth(this.lastClosed)
        : current;
    if (open > current) return false;
    let period =
      this.lastClosed !== null ? followingMonth(this.lastClosed) : (this.firstOpenPeriod() ?? open);
    for (; period <= open; period = followingMonth(period)) this.close(period, now);
    return true;
  }

  /** The relay worker with nothing in its way at `now`: reports due go out, outside the blackout. */
  send(now: number): ModelReport[] {
    if (inBlackout(now)) return [];
    const sent = [...this.reports.values()].filter((r) => r.waiting);
    for (const report of sent) {
      report.waiting = false;
      report.sends.push(now);
    }
    return sent;
  }

  /** An operator sends a report again. */
  resend(report: ModelReport): void {
    report.waiting = true;
  }

  /** Usage of each (order, SKU, period) still open. */
  openUsage(): Map<string, bigint> {
    const open = new Map<string, bigint>();
    for (const e of this.events) {
      if (!this.isOpen(e.period) || this.reports.has(reportKey(e.order, e.sku, e.period))) continue;
      const key = reportKey(e.order, e.sku, e.period);
      open.set(key, (open.get(key) ?? 0n) + e.micros);
    }
    return open;
  }
}
