import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { CliIo } from '../cli/io.js';
import { captureIo, seedDatabase } from './admin-db.js';
import { seedUsageScenario, USAGE_NOW } from './seed-usage.js';
import { tempDir } from './tmp.js';

/** A stdin for the CLI: a terminal or not, answering `answer` when it is read. */
export function fakeStdin(isTTY: boolean, answer?: string): NonNullable<CliIo['stdin']> {
  const stream = Object.assign(new PassThrough(), { isTTY });
  if (answer !== undefined) stream.end(answer);
  return stream;
}

/**
 * A database file holding {@link seedUsageScenario}, kept open as a running collector
 * would, and a CLI io on it at `now` (default {@link USAGE_NOW}) with stdin not a terminal.
 */
export async function usageDatabase() {
  const path = join(tempDir(), 'collector.sqlite');
  const store = await seedDatabase(path, {});
  onTestFinished(() => store.close());
  const ids = await seedUsageScenario(store);
  const cli = (
    options: { env?: Record<string, string>; now?: number; stdin?: CliIo['stdin'] } = {},
  ) => {
    const { io, out } = captureIo({ CLM_DB: path, ...options.env });
    const clock = { now: () => options.now ?? USAGE_NOW };
    return { io: { ...io, clock, stdin: options.stdin ?? fakeStdin(false) }, out };
  };
  return { path, store, ids, cli };
}
