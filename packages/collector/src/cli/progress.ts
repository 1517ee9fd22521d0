/** Reports progress of a long operation without flooding the terminal. */
export interface Progress {
  /** Writes `message()` unless a line went out less than the interval ago. */
  tick(message: () => string): void;
  /** Writes `message` whatever the interval (the final summary). */
  done(message: string): void;
}

/** Progress lines to `write`, at most one per `intervalMs` (default 1 s) on `now`'s clock. */
export function createProgress(
  write: (line: string) => void,
  { intervalMs = 1000, now = Date.now }: { intervalMs?: number; now?: () => number } = {},
): Progress {
  let last = now();
  return {
    tick(message) {
      const time = now();
      if (time - last < intervalMs) return;
      last = time;
      write(`${message()}\n`);
    },
    done(message) {
      write(`${message}\n`);
    },
  };
}
