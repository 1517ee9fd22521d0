import type { Command } from 'commander';
import type { Clock } from '../clock.js';

/** Where the CLI reads its environment and writes its output; injectable for tests. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Where a question is answered (`usage resend`). Default: the process's stdin. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Default: the wall clock. */
  clock?: Clock;
  /** Resolves when a long-running command should shut down. Default: SIGTERM or SIGINT. */
  shutdown?: Promise<unknown>;
}

/**
 * Exit codes: 0 ok, 1 the operation failed, 2 bad usage or configuration, 3 (`status`)
 * money in doubt: a billing call unconfirmed or dead, waiting for an operator.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, inDoubt: 3 } as const;

/** Thrown for bad arguments; `runCli` prints it and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Resolves on the first SIGTERM or SIGINT. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Adds commands to the program; each reports its exit code through `setExit`. */
export type AddCommands = (program: Command, io: CliIo, setExit: (code: number) => void) => void;
