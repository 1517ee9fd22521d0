import type { Writable } from 'node:stream';

/** Whether an error is a write to a pipe whose reader has gone (`| head`). */
export const isClosedPipe = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';

/**
 * Lets the CLI end quietly when the reader of `stream` goes away, as `clm-collector help
 * usage | head -5` does: the error is swallowed (unhandled, it would crash the process with
 * a stack trace), later writes are dropped, and the command finishes with its own exit
 * status (0 for a help or a listing). Any other stream error is rethrown as before.
 */
export function endQuietlyOnClosedPipe(stream: Pick<Writable, 'on'>): void {
  stream.on('error', (error: Error) => {
    if (!isClosedPipe(error)) throw error;
  });
}
