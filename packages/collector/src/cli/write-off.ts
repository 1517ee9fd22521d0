import { planWriteOff } from '../admin/write-off-plan.js';
import { loadMarketplaceApi } from '../orders/settings.js';
import { relayById } from '../store/admin-reads.js';
import { isHeld, isSuperseded } from '../store/kept-relays.js';
import type { AdminStore, Relay } from '../store/types.js';
import { summariseDoubt } from '../usage/in-doubt.js';
import { doubtSums } from '../usage/in-doubt-text.js';
import { withAdminStore } from './admin-store.js';
import { askYesNo } from './ask.js';
import { type CliIo, EXIT } from './io.js';
import { parseRelayIds } from './replay.js';
import { callLine } from './replay-question.js';
import { plural } from './table.js';

async function describeRefusal(store: AdminStore, id: number): Promise<string> {
  const relay = await relayById(store, id);
  if (relay === null) return `${id}: no such relay`;
  if (relay.orderId === null) return `${id}: not a billing call (a purchase: replay it)`;
  if (isHeld(relay))
    return `${id}: held; once billed by hand, run clm-collector usage confirm ${id}`;
  if (isSuperseded(relay)) return `${id}: superseded by its SKU's end, owed nothing already`;
  if (relay.status !== 'dead') return `${id}: ${relay.status}, not dead`;
  return `${id}: written off already`;
}

// What a write-off gives up on, said before asking: each call and the usage never billed.
function describeWriteOff(calls: readonly Relay[], io: CliIo): string {
  const api = loadMarketplaceApi(io.env);
  const sums = doubtSums(summariseDoubt(calls));
  return (
    `Writing off keeps ${plural(calls.length, 'billing call')} dead for good: never sent, not billed:\n` +
    calls.map((call) => callLine(call, api)).join('') +
    (sums.length > 0 ? `Usage never billed: ${sums.join(', ')}.\n` : '') +
    'A write-off cannot be undone: no replay or resend sends them afterwards.\n'
  );
}

// Whether the write-off may go: `--yes`, or a yes to the question, the calls unchanged since.
async function confirmed(store: AdminStore, io: CliIo, ids: readonly number[], yes: boolean) {
  const plan = await planWriteOff(store, ids);
  if (plan.calls.length === 0 || yes) return true;
  io.stdout.write(describeWriteOff(plan.calls, io));
  const question = `Write ${plan.calls.length === 1 ? 'it' : 'them'} off?`;
  if (!(await askYesNo(io, question, '--yes'))) {
    io.stderr.write('clm-collector: not written off; nothing was changed\n');
    return false;
  }
  if ((await planWriteOff(store, ids)).state === plan.state) return true;
  io.stderr.write('clm-collector: what write-off would change changed while it asked\n');
  return false;
}

/**
 * `write-off <ids...>`: dead billing calls (starts, usage reports, ends) an operator gives
 * up on: kept dead, never sent, not billed, and no longer money in doubt (so `status` can
 * exit 0 again). It cannot be undone: it lists them and asks first, unless `yes` (required
 * without a terminal, exit 2). Exits 1 when an id was not such a call, or the answer was no.
 */
export async function runWriteOff(options: { ids: readonly string[]; yes?: boolean }, io: CliIo) {
  const ids = parseRelayIds(options.ids);
  return withAdminStore(io, async (store) => {
    if (!(await confirmed(store, io, ids, options.yes === true))) return EXIT.failed;
    const now = Date.now();
    const missed: number[] = [];
    for (const id of ids) if (!(await store.writeOff(id, now))) missed.push(id);
    io.stdout.write(`wrote off ${ids.length - missed.length} of ${ids.length} requested\n`);
    if (missed.length === 0) return EXIT.ok;
    const reasons = await Promise.all(missed.map((id) => describeRefusal(store, id)));
    io.stderr.write(`not written off, left as they are: ${reasons.join('; ')}\n`);
    return EXIT.failed;
  });
}
