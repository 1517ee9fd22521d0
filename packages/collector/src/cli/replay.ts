import { planReplay } from '../admin/replay-plan.js';
import { systemClock } from '../clock.js';
import { loadMarketplaceApi } from '../orders/settings.js';
import { relayById } from '../store/admin-reads.js';
import { isHeld, isSuperseded } from '../store/kept-relays.js';
import type { AdminStore } from '../store/types.js';
import { withAdminStore } from './admin-store.js';
import { askYesNo } from './ask.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { describeReplayCalls } from './replay-question.js';
import { plural } from './table.js';

/** Relay ids as given on the command line, checked and without repeats. */
export function parseRelayIds(values: readonly string[]): number[] {
  const ids = values.map((value) => {
    const id = Number(value);
    if (!/^\d+$/.test(value) || id < 1 || !Number.isSafeInteger(id)) {
      throw new UsageError(`"${value}" is not a relay id (ids are whole numbers from 1)`);
    }
    return id;
  });
  return [...new Set(ids)];
}

async function describeNotDead(store: AdminStore, id: number): Promise<string> {
  const relay = await relayById(store, id);
  if (relay === null) return `${id} (no such relay)`;
  if (isHeld(relay))
    return `${id} (held, never sent: once billed by hand, run clm-collector usage confirm ${id})`;
  if (isSuperseded(relay))
    return `${id} (superseded by its SKU's end, never sent: nothing to retry)`;
  return `${id} (${relay.status})`;
}

type Plan = Awaited<ReturnType<typeof planReplay>>;

// Whether the billing calls of `plan` may go: none, `--yes`, or a yes to the question. Ids
// are read again after it, since one could die meanwhile; `--all` sends only those named.
async function confirmed(
  store: AdminStore,
  io: CliIo,
  options: { ids: readonly number[]; all: boolean; yes?: boolean },
  plan: Plan,
): Promise<boolean> {
  if (plan.calls.length === 0 || options.yes === true) return true;
  io.stdout.write(describeReplayCalls(plan.calls, loadMarketplaceApi(io.env)));
  const question = `Send ${plan.calls.length === 1 ? 'it' : 'them'} again?`;
  if (!(await askYesNo(io, question, '--yes'))) return false;
  if (options.all || (await planReplay(store, options.ids)).state === plan.state) return true;
  io.stderr.write('clm-collector: what replay would send changed while it asked\n');
  return false;
}

/**
 * `replay`: dead letters back to pending, due at once (all, or those of `ids`). A running
 * collector sends them at its next poll. Dead billing calls among them are billable: it
 * says which and asks first, unless `yes` (without a terminal `--yes` is required, exit 2).
 * Exits 1 when a requested id was not dead, or the answer was no.
 */
export async function runReplay(
  options: { ids: readonly string[]; all: boolean; yes?: boolean },
  io: CliIo,
): Promise<number> {
  if (options.all && options.ids.length > 0) {
    throw new UsageError('replay takes relay ids or --all, not both');
  }
  if (!options.all && options.ids.length === 0) {
    throw new UsageError('replay needs relay ids or --all (see clm-collector replay --help)');
  }
  const ids = parseRelayIds(options.ids);
  return withAdminStore(io, async (store) => {
    const now = (io.clock ?? systemClock).now();
    const plan = await planReplay(store, options.all ? undefined : ids);
    if (!(await confirmed(store, io, { ...options, ids }, plan))) {
      io.stderr.write('clm-collector: not replayed; nothing was changed\n');
      return EXIT.failed;
    }
    if (options.all) {
      // The dead purchases, and exactly the billing calls it named (a newer one waits).
      const billing = plan.calls.map((call) => call.id);
      const replayed = await store.replayDead({ now, withoutOrders: true, ids: billing });
      io.stdout.write(`replayed ${plural(replayed, 'dead letter')}\n`);
      if (replayed > 0) io.stdout.write('a running collector sends them at its next poll\n');
      return EXIT.ok;
    }
    // One call per id tells which were dead; made in the same turn, they commit together.
    const results = await Promise.all(ids.map((id) => store.replayDead({ now, ids: [id] })));
    const missed = ids.filter((_, i) => results[i] === 0);
    io.stdout.write(`replayed ${ids.length - missed.length} of ${ids.length} requested\n`);
    if (missed.length < ids.length) {
      io.stdout.write('a running collector sends them at its next poll\n');
    }
    if (missed.length === 0) return EXIT.ok;
    const described = await Promise.all(missed.map((id) => describeNotDead(store, id)));
    io.stderr.write(`not replayed, left as they are: ${described.join(', ')}\n`);
    return EXIT.failed;
  });
}
