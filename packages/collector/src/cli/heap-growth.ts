import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept, in
 * percent. Left to itself V8 picks a factor of up to 4 while the process allocates fast:
 * under a relay drain or an ingest burst the collector's 14–16 MB of live objects let
 * 50–65 MB of promoted garbage pile up before a mark-compact. At 100 (a factor of 2) a
 * drain of 100,000 relays peaked at 137–139 MB instead of 178–191 MB, and 20,000 purchase
 * beacons at 138–142 MB instead of 181–186 MB, with no more CPU per purchase than the
 * runs' noise (docs/benchmarks.md, "Memory (issue 24, second pass)"). 30 cost CPU there.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets {@link HEAP_GROWING_PERCENT} from inside the process: V8 reads it whenever it sets
 * the next limit, so no Node flag is needed where the collector is started (`pnpm start`,
 * the bin, the Dockerfile).
 */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
