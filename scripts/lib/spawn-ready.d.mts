import type { ChildProcess, SpawnOptions } from 'node:child_process';

/** How to start a process and how to tell that it is ready. */
export interface SpawnReadyOptions extends Omit<SpawnOptions, 'stdio'> {
  /**
   * Ready once this matches all the output so far (stdout and stderr); a function gets the
   * output and answers with its match, or nothing yet.
   */
  ready?: RegExp | ((output: string) => RegExpExecArray | null | undefined);
  /** A URL that must then answer 2xx (polled every 50 ms), for a server that logs little. */
  probe?: string;
  /** Its name in errors. Default: the command. */
  name?: string;
  /** How long it may take to be ready. Default 60 s. */
  timeoutMs?: number;
  /** How long `stop` waits after its signal before SIGKILL. Default 15 s. */
  stopTimeoutMs?: number;
  /** Keep only the last this many characters of output (a server that logs every request). */
  keepChars?: number;
  /** Called with every chunk of output, e.g. to show it. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Called with the process as soon as it is spawned, before it is ready. */
  onSpawn?: (child: ChildProcess) => void;
}

/** A process that said it is ready. */
export interface Ready {
  child: ChildProcess;
  /** The match of `ready` in its output (an empty match without `ready`). */
  match: RegExpExecArray;
  /** Everything it printed so far (or its tail, with `keepChars`). */
  output: () => string;
  /** Resolves with its exit code and signal once it has exited. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Sends `signal` (default SIGTERM), SIGKILL after `stopTimeoutMs`; resolves once it exited. */
  stop: (signal?: NodeJS.Signals) => Promise<[number | null, NodeJS.Signals | null]>;
}

export function spawnReady(
  command: string,
  args: readonly string[],
  options: SpawnReadyOptions,
): Promise<Ready>;
