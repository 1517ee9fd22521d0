/** Calls that arrive while earlier ones are being written, written together. */
export type Batched<I, O> = (item: I) => Promise<O>;

interface Pending<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit on PostgreSQL: every call made in one turn of the event loop, and every call
 * made while `inFlight` batches are already being written, goes into the next batch (at
 * most `maxBatch` calls), which `write` turns into one statement, so one round trip and one
 * commit serve them all. `write` resolves with one result per item, in order. A batch that
 * fails is written again one call at a time with `alone`, so only the one at fault fails.
 */
export function batched<I, O>(options: {
  write: (items: I[]) => Promise<O[]>;
  alone: (item: I) => Promise<O>;
  inFlight: number;
  maxBatch: number;
}): Batched<I, O> {
  const { write, alone, inFlight, maxBatch } = options;
  let queue: Pending<I, O>[] = [];
  let writing = 0;
  let scheduled = false;

  async function run(batch: Pending<I, O>[]): Promise<void> {
    let results: O[];
    try {
      results = await write(batch.map(({ item }) => item));
    } catch {
      await Promise.all(
        batch.map(({ item, resolve, reject }) => alone(item).then(resolve, reject)),
      );
      return;
    }
    for (const [index, { resolve }] of batch.entries()) resolve(results[index] as O);
  }

  const start = () => {
    scheduled = false;
    while (writing < inFlight && queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      writing++;
      void run(batch).finally(() => {
        writing--;
        start();
      });
    }
  };

  return (item) =>
    new Promise((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(start);
      }
    });
}
