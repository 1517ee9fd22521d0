import { relayById } from '../store/admin-reads.js';
import { isHeld, isSuperseded } from '../store/kept-relays.js';
import type { AdminStore } from '../store/types.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT } from './io.js';
import { parseRelayIds } from './replay.js';

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

/**
 * `write-off <ids...>`: dead billing calls (starts, usage reports, ends) an operator gives
 * up on: kept dead, never sent, not billed, and no longer money in doubt (so `status` can
 * exit 0 again). Exits 1 when an id was not such a call.
 */
export async function runWriteOff(options: { ids: readonly string[] }, io: CliIo) {
  const ids = parseRelayIds(options.ids);
  return withAdminStore(io, async (store) => {
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
