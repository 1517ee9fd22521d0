import { createInterface } from 'node:readline';
import { type CliIo, UsageError } from './io.js';

/**
 * Asks a yes/no question on the terminal; resolves true only for `y` or `yes`. Without a
 * terminal on stdin (a script, a pipe, cron) it refuses rather than wait for an answer
 * that never comes: the caller's `--yes` is the way to say yes there.
 */
export async function askYesNo(io: CliIo, question: string, yesFlag: string): Promise<boolean> {
  const stdin = io.stdin ?? process.stdin;
  if (stdin.isTTY !== true)
    throw new UsageError(`stdin is not a terminal to ask on; pass ${yesFlag} to go ahead`);
  io.stdout.write(`${question} [y/N] `);
  const lines = createInterface({ input: stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
  }
}
