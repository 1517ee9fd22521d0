import type { RelayStatus } from '../store/types.js';
import { withAdminStore } from './admin-store.js';
import { type ExportFormat, exportHeader, exportLine } from './export-format.js';
import { type CliIo, EXIT } from './io.js';
import { fileOutput, type Output, stdoutOutput } from './output.js';
import { createProgress } from './progress.js';
import { plural } from './table.js';

const PAGE = 1000;

/** Options of `clm-collector export`. */
export interface ExportOptions {
  format: ExportFormat;
  status?: RelayStatus | undefined;
  output?: string | undefined;
  /** Progress clock (tests). */
  now?: () => number;
}

/**
 * `export`: every relay (or those of one status) as CSV or JSON Lines, oldest first, to
 * stdout or a file. Data only goes to the output; progress and the summary to stderr.
 */
export async function runExport(options: ExportOptions, io: CliIo): Promise<number> {
  return withAdminStore(io, async (store) => {
    const now = options.now ?? Date.now;
    const started = now();
    const counts = await store.countRelays();
    // Dead relays kept so on purpose are counted apart, and exported with the dead.
    const total = options.status
      ? counts[options.status] + (options.status === 'dead' ? counts.kept : 0)
      : Object.values(counts).reduce((sum, n) => sum + n, 0);
    // Relays queued while the export runs are left out, so it ends and its count is stable.
    const lastId = (await store.listRelays({ limit: 1 }))[0]?.id ?? 0;
    const output: Output = options.output
      ? await fileOutput(options.output)
      : stdoutOutput(io.stdout);
    const progress = createProgress((line) => io.stderr.write(line), { now });
    let exported = 0;
    try {
      await output.write(exportHeader(options.format));
      for (let afterId = 0; afterId < lastId; ) {
        const page = await store.pageRelays({ afterId, limit: PAGE, status: options.status });
        const rows = page.filter((relay) => relay.id <= lastId);
        if (rows.length === 0) break;
        await output.write(rows.map((relay) => exportLine(options.format, relay)).join(''));
        exported += rows.length;
        afterId = page.at(-1)?.id ?? lastId;
        progress.tick(
          () => `exported ${exported} of ${plural(Math.max(total, exported), 'relay')}`,
        );
      }
      await output.commit();
    } catch (error) {
      await output.abort();
      throw error;
    }
    const seconds = ((now() - started) / 1000).toFixed(1);
    progress.done(
      `exported ${plural(exported, 'relay')} (${options.format}) to ${output.name} in ${seconds} s`,
    );
    return EXIT.ok;
  });
}
