/** A loop that runs one step at a time, at once when asked and every poll otherwise. */
export interface Pump {
  /** Runs the loop from now on. */
  start(): void;
  /** Runs a step now, or right after the one running (a relay was queued, a slot freed). */
  pump(): void;
  /** Stops running steps; resolves once the step running, if any, has ended. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * Runs `step` one at a time, never two at once: again at once while it says more is due
 * (it returns true) or a `pump()` came meanwhile, else after `pollMs`. A step that throws
 * is reported to `onError`; the loop goes on at the next poll.
 */
export function createPump(
  step: () => Promise<boolean>,
  options: { pollMs: number; onError: (error: unknown) => void },
): Pump {
  let running = false;
  let looping: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        if (await step()) again = true;
      } while (again && running);
    } catch (error) {
      options.onError(error);
    }
    if (running) {
      clearTimeout(timer);
      timer = setTimeout(pump, options.pollMs);
    }
  }

  function pump(): void {
    if (!running) return;
    if (looping) {
      again = true;
      return;
    }
    looping = loop().finally(() => {
      looping = null;
    });
  }

  return {
    start() {
      running = true;
      pump();
    },
    pump,
    async stop() {
      running = false;
      clearTimeout(timer);
      await looping;
    },
    get running() {
      return running;
    },
  };
}
