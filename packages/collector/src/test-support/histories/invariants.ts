import type { Relay } from '../../store/outbox.js';
import { marketplaceBooks, usageCountOf } from './books.js';
import { billMonth, blackoutOf, inBlackout } from './chicago.js';
import { decimalOf, type Model, type ModelReport, reportKey } from './model.js';
import type { HistorySystem } from './system.js';
import type { WireCall } from './wire.js';

/** An invariant of the contract does not hold. */
export class Broken extends Error {}

const fail = (message: string): never => {
  throw new Broken(message);
};

const iso = (ms: number) => new Date(ms).toISOString();
const who = (call: WireCall) => {
  const body = call.body as {
    provisioningId?: string;
    productSkus?: string[];
    productSku?: string;
  };
  return `${body.provisioningId} ${body.productSku ?? body.productSkus?.[0]}`;
};
const reportOf = (call: WireCall) => `${who(call)} ${usageCountOf(call.text)}`;
const isUsage = (call: WireCall) => call.path === '/saas-usage/';

const STATUS_ORDER: Record<string, number> = { delivered: 0, unconfirmed: 1 };

/**
 * The model's reports (by key) the marketplace recorded when each was last sent. The wire
 * shows no period: reports of one order and SKU with the same count, sent at the same
 * instant (June's and July's after a month down), are told apart by number only, as an
 * operator would from the bill. Each delivered one had its call recorded; the calls left
 * over go to the unconfirmed ones, earliest period first.
 */
export function receivedAtLastSend(
  system: HistorySystem,
  model: Model,
  relays: Map<string, Relay>,
): Set<string> {
  const groups = new Map<string, [string, ModelReport][]>();
  for (const [key, report] of model.reports) {
    const at = report.sends.at(-1);
    if (at === undefined) continue;
    const group = `${report.order} ${report.sku} ${report.micros} ${at}`;
    groups.set(group, [...(groups.get(group) ?? []), [key, report]]);
  }
  const received = new Set<string>();
  for (const reports of groups.values()) {
    const [, first] = reports[0] as [string, ModelReport];
    let recorded = system.wire.calls.filter(
      (c) =>
        isUsage(c) &&
        c.accepted &&
        c.at === first.sends.at(-1) &&
        reportOf(c) === `${first.order} ${first.sku} ${first.micros}`,
    ).length;
    const rank = (key: string) => STATUS_ORDER[relays.get(key)?.status ?? ''] ?? 2;
    reports.sort(([a, ra], [b, rb]) => rank(a) - rank(b) || ra.period.localeCompare(rb.period));
    for (const [key] of reports) {
      if (recorded === 0) break;
      received.add(key);
      recorded -= 1;
    }
  }
  return received;
}

// What the collector should have made of a call's final answer.
function outcomeOf(call: WireCall): Relay['status'] {
  if (call.fault !== null || call.status === null || call.status >= 500) return 'unconfirmed';
  return call.status < 300 ? 'delivered' : 'dead';
}

const seen = new WeakMap<HistorySystem, number>();

/**
 * The reports that went out in this step's settle, on the wire: at this instant, never in
 * the blackout, each of a report the model says was due, and answered once for each
 * (a 429 is tried again; anything else is final: an unconfirmed report is never resent by
 * itself). The collector's status of each is what its final answer means.
 */
function checkSent(system: HistorySystem, sent: ModelReport[], relays: Map<string, Relay>) {
  const from = seen.get(system) ?? 0;
  const calls = system.wire.calls.slice(from).filter(isUsage);
  seen.set(system, system.wire.calls.length);
  const now = system.clock.now();
  const groups = new Map<string, { reports: ModelReport[]; finals: WireCall[] }>();
  for (const report of sent) {
    const key = `${report.order} ${report.sku} ${report.micros}`;
    const group = groups.get(key) ?? { reports: [], finals: [] };
    group.reports.push(report);
    groups.set(key, group);
  }
  for (const call of calls) {
    if (inBlackout(call.at))
      fail(`usage report ${reportOf(call)} sent in the blackout, at ${iso(call.at)}`);
    const group = groups.get(reportOf(call));
    if (!group || call.at !== now)
      fail(
        `usage report ${reportOf(call)} sent at ${iso(call.at)} that the model does not owe then`,
      );
    // A 429 the collector saw is tried again; one whose connection the wire cut is not.
    if (call.status !== 429 || call.fault !== null) group?.finals.push(call);
  }
  for (const [key, { reports, finals }] of groups) {
    const errors = reports.map((r) => relays.get(reportKey(r.order, r.sku, r.period))?.lastError);
    if (finals.length !== reports.length)
      fail(
        `usage report ${key}: ${finals.length} final answer(s) on the wire for ${reports.length} report(s) due (the collector: ${JSON.stringify(errors)})`,
      );
    const mine = reports.map((r) => relays.get(reportKey(r.order, r.sku, r.period)));
    const statuses = mine.map((relay) => relay?.status).sort();
    const expected = finals.map(outcomeOf);
    // On a loaded machine the collector's timer can run before it reads an answer the wire
    // wrote in time: for the collector that call timed out, and unconfirmed is right (the
    // bill counts it as recorded either way). Only a relay that says it timed out is read so.
    let timedOut = mine.filter(
      (relay) => relay?.status === 'unconfirmed' && relay.lastError?.startsWith('timed out after'),
    ).length;
    timedOut -= finals.filter((c) => c.fault === 'lateAnswer' || c.status === null).length;
    const missing = expected.filter((o) => o === 'delivered').length;
    const delivered = statuses.filter((s) => s === 'delivered').length;
    for (let late = Math.min(timedOut, missing - delivered); late > 0; late--)
      expected[expected.indexOf('delivered')] = 'unconfirmed';
    expected.sort();
    if (JSON.stringify(statuses) !== JSON.stringify(expected))
      fail(
        `usage report ${key}: the collector says ${statuses}, the marketplace's answers mean ${expected}`,
      );
  }
}

/** After each step: the reports the collector queued are the model's, and what was sent. */
export async function checkStep(
  system: HistorySystem,
  model: Model,
  relays: Relay[],
  sent: ModelReport[],
) {
  const reports = new Map<string, Relay>();
  for (const relay of relays) {
    if (relay.kind !== 'usage_report') continue;
    const key = reportKey(relay.orderId ?? '', relay.sku ?? '', relay.period ?? '');
    if (reports.has(key)) fail(`two usage reports for ${key}`);
    reports.set(key, relay);
  }
  for (const [key, report] of model.reports) {
    const relay =
      reports.get(key) ?? fail(`no usage report for ${key} (${decimalOf(report.micros)} owed)`);
    const count = (relay.payload as { usageCount: string }).usageCount;
    if (count !== decimalOf(report.micros))
      fail(`usage report ${key} counts ${count}, the model ${decimalOf(report.micros)}`);
    const held = relay.status === 'dead' && relay.lastError?.startsWith('held: ') === true;
    if (held !== report.held)
      fail(`usage report ${key} ${held ? 'held' : 'not held'}, count ${count}`);
    if (report.waiting && relay.status !== 'pending')
      fail(
        `usage report ${key} is ${relay.status}, the model says it waits for the blackout's end`,
      );
  }
  for (const key of reports.keys())
    if (!model.reports.has(key)) fail(`usage report ${key} the model does not owe`);
  checkSent(system, sent, reports);
}

/** The model's bill: each report the marketplace received, on the month it arrived. */
function modelBill(system: HistorySystem, model: Model, relays: Map<string, Relay>) {
  const bill = new Map<string, bigint>();
  const recorded = receivedAtLastSend(system, model, relays);
  for (const [key, report] of model.reports) {
    const at = report.sends.at(-1);
    const status = relays.get(key)?.status;
    const received =
      at !== undefined &&
      (status === 'delivered' || (status === 'unconfirmed' && recorded.has(key)));
    if (!received) continue;
    const line = `${report.order} ${report.sku} ${billMonth(at)}`;
    bill.set(line, (bill.get(line) ?? 0n) + report.micros);
  }
  return bill;
}

const show = (map: Map<string, bigint>) =>
  JSON.stringify([...map].sort().map(([key, micros]) => `${key}: ${decimalOf(micros)}`));

/**
 * Per order and SKU on the wire: no start after an end, no usage after an end, a start for
 * each SKU started before its end and nothing else, an end for each terminated SKU (or
 * their relays dead with the marketplace's refusal, for an operator to see); an end held
 * back, never sent, while a usage report of its SKU is unconfirmed.
 */
function checkStartsAndEnds(system: HistorySystem, model: Model, relays: Relay[]) {
  const accepted = system.wire.calls.filter((c) => c.accepted);
  for (const order of model.orders) {
    for (const sku of order.skus) {
      const mine = accepted.filter((c) => who(c) === `${order.id} ${sku}`);
      const end = mine.find((c) => c.path === '/saas-usage/end');
      const after = end && mine.find((c) => c.seq > end.seq && c.path !== '/saas-usage/end');
      if (after) fail(`${order.id} ${sku}: ${after.path} received after its end`);
      const relay = (kind: string) =>
        relays.find((r) => r.kind === kind && r.orderId === order.id && r.sku === sku);
      const starts = mine.filter((c) => c.path === '/start-billing/');
      if (
        order.started.has(sku) !== (starts.length > 0 || relay('start_billing')?.status === 'dead')
      )
        fail(
          `${order.id} ${sku}: billing start asked ${order.started.has(sku)}, received ${starts.length} time(s)`,
        );
      // An unconfirmed report holds the end back: after the end the marketplace would
      // refuse the operator's resend, and that usage would never be billed.
      const doubtful = relays.some(
        (r) =>
          r.kind === 'usage_report' &&
          r.orderId === order.id &&
          r.sku === sku &&
          r.status === 'unconfirmed',
      );
      if (doubtful && end !== undefined)
        fail(`${order.id} ${sku}: end received while a usage report is unconfirmed`);
      // An end still waiting behind a report of its SKU (unconfirmed, or held in a
      // blackout the history ends in) is where it should be.
      const behind = relays.some(
        (r) =>
          r.kind === 'usage_report' &&
          r.orderId === order.id &&
          r.sku === sku &&
          ['pending', 'in_flight', 'unconfirmed'].includes(r.status),
      );
      const ended = end !== undefined || relay('usage_end')?.status === 'dead';
      const waiting = behind && relay('usage_end')?.status === 'pending';
      if (order.ended.has(sku) !== (ended || waiting))
        fail(
          `${order.id} ${sku}: terminated ${order.ended.has(sku)}, end received ${end !== undefined}`,
        );
    }
  }
}

/**
 * At the end of a history: nothing lost (the collector's open usage is the model's), the
 * same periods closed, the marketplace's books equal to the model's bill for every order,
 * SKU and month to the micro-unit, late flags where the blackout had begun, and the
 * billing starts and ends in order.
 */
export async function checkHistory(system: HistorySystem, model: Model) {
  const { store } = system.collector;
  const closed = await store.lastClosedPeriod();
  if (closed !== model.lastClosed)
    fail(`last closed period ${closed}, the model ${model.lastClosed}`);
  const open = new Map<string, bigint>();
  for (const line of await store.usageLines()) {
    if (line.report === null)
      open.set(reportKey(line.provisioningId, line.sku, line.period), line.micros);
  }
  if (show(open) !== show(model.openUsage()))
    fail(`open usage ${show(open)}, the model ${show(model.openUsage())}`);
  const relays = await store.listRelays({ limit: 10_000 });
  const reports = new Map(
    relays
      .filter((r) => r.kind === 'usage_report')
      .map((r) => [reportKey(r.orderId ?? '', r.sku ?? '', r.period ?? ''), r]),
  );
  const books = new Map<string, bigint>();
  for (const line of await marketplaceBooks(system.marketplace)) {
    const key = `${line.provisioningId} ${line.productSku} ${line.period}`;
    if (line.lateReports > 0)
      fail(`${key}: ${line.lateReports} report(s) received in the blackout`);
    if (line.billingStartedAt && line.endedAt && line.billingStartedAt > line.endedAt)
      fail(`${key}: billing started at ${line.billingStartedAt}, after its end at ${line.endedAt}`);
    if (line.reports > 0) books.set(key, line.usageMicros);
  }
  const bill = modelBill(system, model, reports);
  if (show(books) !== show(bill))
    fail(`the marketplace billed ${show(books)}, the model ${show(bill)}`);
  for (const [key, report] of model.reports) {
    const relay = reports.get(key) as Relay;
    const at = report.sends.at(-1);
    if (
      relay.status !== 'delivered' ||
      at === undefined ||
      relay.lastError?.startsWith('confirmed')
    )
      continue;
    if (relay.late !== at >= blackoutOf(report.period).start)
      fail(`usage report ${key} delivered at ${iso(at)} marked late ${relay.late}`);
  }
  checkStartsAndEnds(system, model, relays);
}
