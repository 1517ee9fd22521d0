import {
  closeOpenPeriod,
  confirmUsageReport,
  resendUsageReport,
} from '../../admin/usage-actions.js';
import { silentLogger } from '../../log.js';
import type { Relay } from '../../store/outbox.js';
import { CloseRefused } from '../../usage/close.js';
import { driver } from './driver.js';
import { checkHistory, checkStep, receivedAtLastSend } from './invariants.js';
import { advanceTo, waypoints } from './marks.js';
import { Model, reportKey, SKUS } from './model.js';
import { settle } from './settle.js';
import type { History, Step } from './steps.js';
import { type HistorySystem, startSystem } from './system.js';
import { type UsageMemory, usageRequest } from './usage-step.js';

/** A step's outcome differs from the model's: the history fails here. */
export class Diverged extends Error {}

function expectStatus(what: string, actual: { status: number; body: unknown }, expected: number) {
  if (actual.status !== expected) {
    throw new Diverged(
      `${what}: the collector answered ${actual.status} ${JSON.stringify(actual.body)}, the model expects ${expected}`,
    );
  }
}

interface Run {
  system: HistorySystem;
  model: Model;
  memory: UsageMemory;
}

const orderId = (n: number) => `prov-${String(n).padStart(4, '0')}`;
const pick = <T>(list: readonly T[], index: number): T | undefined => list[index % list.length];

async function usageStep(run: Run, step: Extract<Step, { do: 'usage' }>) {
  const { system, model, memory } = run;
  const now = system.clock.now();
  const request = usageRequest(step.events, model, memory, now);
  if (!request) return;
  const answer = await driver(system).usage(request.text);
  const expected = model.usage(request.requested, now);
  expectStatus(`usage ${request.text}`, answer, expected.status);
  if (expected.results) {
    const results = (answer.body as { events: unknown }).events;
    if (JSON.stringify(results) !== JSON.stringify(expected.results))
      throw new Diverged(
        `usage ${request.text}: answered ${JSON.stringify(results)}, the model expects ${JSON.stringify(expected.results)}`,
      );
    for (const event of request.events) {
      if (!memory.written.has(event.eventId)) memory.written.set(event.eventId, event);
    }
  }
}

async function orderStep(run: Run, skus: number) {
  const { system, model } = run;
  const id = orderId(model.orders.length + 1);
  const productSkus = SKUS.slice(0, skus);
  const answer = await driver(system).provision(id, productSkus);
  expectStatus(`provisioning ${id}`, answer, 200);
  const { customerId } = answer.body as { customerId: unknown };
  if (typeof customerId !== 'string')
    throw new Diverged(`provisioning ${id}: customerId ${String(customerId)} is not a string`);
  const registered = await driver(system).register(id, customerId, productSkus);
  if (registered.status !== 201) throw new Error(`sandbox order: ${JSON.stringify(registered)}`);
  model.orders.push({ id, customerId, skus: productSkus, ended: new Map(), started: new Set() });
}

async function billingStep(run: Run, step: Extract<Step, { do: 'start' | 'terminate' }>) {
  const { system, model } = run;
  const order = pick(model.orders, step.order);
  if (!order) return;
  // A SKU index past the order's names one it does not have, now and then.
  const skus = step.sku === null ? undefined : [SKUS[step.sku % 4] ?? 'SKU-Z'];
  const now = system.clock.now();
  if (step.do === 'start') {
    const answer = await driver(system).start(order.id, skus);
    expectStatus(`billing start ${order.id} ${skus ?? 'all'}`, answer, model.start(order.id, skus));
  } else {
    const answer = await driver(system).terminate(order.id, skus);
    expectStatus(
      `termination ${order.id} ${skus ?? 'all'}`,
      answer,
      model.terminate(order.id, skus, now),
    );
  }
}

async function closeEarlyStep(run: Run) {
  const { system, model } = run;
  const { collector, clock, config } = system;
  const deps = { store: collector.store, clock, logger: silentLogger, relay: collector.worker };
  let closed = true;
  try {
    await closeOpenPeriod(deps, config.billing);
  } catch (error) {
    if (!(error instanceof CloseRefused)) throw error;
    closed = false;
  }
  const expected = model.closeEarly(clock.now());
  if (closed !== expected)
    throw new Diverged(
      `close now: ${closed ? 'closed' : 'refused'}, the model expects ${expected ? 'a close' : 'a refusal'}`,
    );
}

// An operator settles each report whose fate is open: confirms the one the marketplace's
// books show, resends the others (held reports excepted: nothing moves them).
async function operatorStep(run: Run) {
  const { system, model } = run;
  const { collector, clock } = system;
  const deps = { store: collector.store, clock, logger: silentLogger, relay: collector.worker };
  const reports = new Map<string, Relay>();
  for (const relay of await collector.store.listRelays({ limit: 10_000 })) {
    if (relay.kind === 'usage_report')
      reports.set(reportKey(relay.orderId ?? '', relay.sku ?? '', relay.period ?? ''), relay);
  }
  const recorded = receivedAtLastSend(system, model, reports);
  for (const [key, relay] of reports) {
    const report = model.reports.get(key);
    if (!report || report.held) continue;
    if (relay.status === 'unconfirmed' && recorded.has(key)) {
      await confirmUsageReport(deps, relay.id);
    } else if (relay.status === 'unconfirmed' || relay.status === 'dead') {
      await resendUsageReport(deps, relay.id);
      model.resend(report);
    }
  }
}

// The marketplace unreachable until a call was refused (settle.ts brings it back).
async function refuseConnections(system: HistorySystem) {
  await system.wire.down();
  // The collector's idle keep-alive connections see their end before it calls again.
  await new Promise((resolve) => setTimeout(resolve, 30));
}

// Settles the worker and checks what it sent against what the model owes now.
async function settleAndCheck(run: Run) {
  const relays = await settle(run.system);
  const sent = run.model.send(run.system.clock.now());
  await checkStep(run.system, run.model, relays, sent);
}

async function advanceStep(run: Run, step: Extract<Step, { do: 'advance' }>) {
  const { system, model } = run;
  const target = advanceTo(system.clock.now(), step.to);
  // A collector stopped with reports waiting for the blackout's end would send them late
  // and out of their retry window: it goes down once they are out.
  const waiting = [...model.reports.values()].some((r) => r.waiting);
  if (step.down && !waiting) {
    await system.restart(target - system.clock.now());
    return model.tick(target);
  }
  for (const at of waypoints(system.clock.now(), target)) {
    system.clock.time = at;
    await system.collector.usage.tick();
    model.tick(at);
    await settleAndCheck(run);
  }
  system.clock.time = target;
  await system.collector.usage.tick();
  model.tick(target);
}

async function apply(run: Run, step: Step): Promise<void> {
  const { system, model } = run;
  switch (step.do) {
    case 'order':
      return orderStep(run, step.skus);
    case 'usage':
      return usageStep(run, step);
    case 'start':
    case 'terminate':
      return billingStep(run, step);
    case 'closeEarly':
      return closeEarlyStep(run);
    case 'advance':
      return advanceStep(run, step);
    case 'fault':
      if (step.fault === 'refuse') await refuseConnections(system);
      else if (step.fault === 'cut' || step.fault === 'lateAnswer')
        system.wire.inject(step.fault, step.count, step.path);
      else await driver(system).sandboxMode(step.fault, step.path, step.count);
      return;
    case 'restart':
      await system.restart();
      return model.tick(system.clock.now());
    case 'operator':
      return operatorStep(run);
  }
}

/** Where a history starts: noon in Chicago on the 10th of its first month. */
export const startOf = (month: string) => Date.parse(`${month}-10T18:00:00Z`);

/**
 * Runs one history against a fresh collector and sandbox and the model, step by step:
 * each step's answer must be the model's, and after the relay worker settled, what the
 * collector queued and sent must be what the model owes; at the end, the marketplace's
 * books must be the model's bill. Throws {@link Diverged} (or an invariant's error) at the
 * first difference; `trace` says how far it got.
 */
export async function runHistory(history: History, trace: string[] = []): Promise<void> {
  const system = await startSystem(startOf(history.start));
  const run: Run = {
    system,
    model: new Model(),
    memory: { written: new Map(), next: 0 },
  };
  try {
    for (const skus of history.orders) await orderStep(run, skus);
    for (const [index, step] of history.steps.entries()) {
      trace.push(
        `${index}: ${JSON.stringify(step)} at ${new Date(system.clock.now()).toISOString()}`,
      );
      await apply(run, step);
      await settleAndCheck(run);
    }
    await checkHistory(system, run.model);
  } finally {
    await system.dispose();
  }
}
