import { ConfigError } from '../config.js';
import { isClosedPipe } from './closed-pipe.js';
import { boundHeapGrowth } from './heap-growth.js';
import { type CliIo, EXIT } from './io.js';
import { runServe } from './serve.js';

/**
 * `clm-collector serve` without the rest of the CLI: the service loads the collector only,
 * not the modules of every other command (the sandbox, reports, exports), which would stay
 * in its memory for nothing. It ends as `runCli(['serve'])` does: 2 and the message for a
 * bad environment, 1 and the message for a failure, 0 when the reader of its output left.
 * The service's old generation grows by at most its live size between full collections
 * ({@link boundHeapGrowth}).
 */
export async function serveEntry(io: CliIo): Promise<number> {
  boundHeapGrowth();
  try {
    return await runServe(io);
  } catch (error) {
    if (isClosedPipe(error)) return EXIT.ok;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`clm-collector: ${message}\n`);
    return error instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
}
