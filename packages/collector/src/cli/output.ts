import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { UsageError } from './io.js';

/** Where an export goes. */
export interface Output {
  /** Shown in messages: the file name or "stdout". */
  name: string;
  /** Resolves once the stream can take more (backpressure); rejects once it failed. */
  write(chunk: string): Promise<void>;
  /** Finishes the output; a file only appears under its name now. */
  commit(): Promise<void>;
  /** Drops a file written so far. */
  abort(): Promise<void>;
}

type Sink = { write(chunk: string): unknown } & Partial<
  Pick<Writable, 'on' | 'once' | 'destroyed'>
>;

function writer(sink: Sink): (chunk: string) => Promise<void> {
  // A stream error (EPIPE from `| head`, a full disk) would otherwise crash the process.
  // EPIPE is kept as it is: the CLI ends quietly on it (see closed-pipe.ts).
  let failed: unknown;
  sink.on?.('error', (error: NodeJS.ErrnoException) => {
    failed = error;
  });
  // Destroyed before its error arrived: the reader went, as with EPIPE, and is treated so.
  const closed = () =>
    failed ??
    Object.assign(new Error('the output was closed before the export ended'), { code: 'EPIPE' });
  return async (chunk) => {
    if (failed || sink.destroyed) throw closed();
    if (sink.write(chunk) !== false || !sink.once) return;
    const stream = sink as Writable;
    // A destroyed stream never drains (nor always says why): wait for whichever comes.
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        stream.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        stream.off('drain', onDrain);
        reject(closed());
      };
      stream.once('drain', onDrain);
      stream.once('close', onClose);
    });
  };
}

/** The command's stdout; waits for `drain` when it is a real stream (pipes, files). */
export function stdoutOutput(stdout: Sink): Output {
  return { name: 'stdout', write: writer(stdout), commit: async () => {}, abort: async () => {} };
}

/**
 * A file written under a temporary name and renamed into place on commit, so a failed
 * or interrupted export never leaves a truncated file that looks complete. Owner-only
 * permissions: it holds customer ids.
 */
export async function fileOutput(path: string): Promise<Output> {
  const temp = `${path}.${process.pid}.partial`;
  const stream = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
  try {
    await once(stream, 'open');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reasons: Record<string, string> = {
      ENOENT: 'its directory does not exist',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
    };
    throw new UsageError(`cannot write --output ${path}: ${reasons[code] ?? String(error)}`);
  }
  return {
    name: path,
    write: writer(stream),
    async commit() {
      stream.end();
      await once(stream, 'finish');
      await rename(temp, path);
    },
    async abort() {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}
