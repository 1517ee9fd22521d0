import { createLogger, type Logger } from '../log.js';
import type { LogConfig, Terminal } from '../settings/log.js';
import type { CliIo } from './io.js';

/** Whether the CLI writes to a terminal: logs default to the pretty format there. */
export function terminalOf(io: CliIo): Terminal {
  return { stdoutIsTty: (io.stdout as { isTTY?: unknown }).isTTY === true };
}

/**
 * The logger of a long-running command: every line, warnings and errors included, to the
 * CLI's stdout; coloured on a terminal unless `NO_COLOR` is set.
 */
export function createCliLogger(io: CliIo, log: LogConfig): Logger {
  const colorize = terminalOf(io).stdoutIsTty === true && !io.env.NO_COLOR;
  return createLogger({ ...log, destination: io.stdout, colorize });
}
