import { relayById } from '../store/admin-reads.js';
import { isHeld, isSuperseded } from '../store/kept-relays.js';
import type { AdminStore } from '../store/types.js';
import { withAdminStore } from './admin-store.js';
import { type CliIo, EXIT, UsageError } from './io.js';
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

/**
 * `replay`: dead letters back to pending, due at once (all, or those of `ids`). A running
 * collector sends them at its next poll. Exits 1 when a requested id was not dead.
 */
export async function runReplay(
  options: { ids: readonly string[]; all: boolean },
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
    const now = Date.now();
    if (options.all) {
      const replayed = await store.replayDead({ now });
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
