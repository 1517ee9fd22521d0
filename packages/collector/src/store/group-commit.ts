import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Queues database work so that work queued in the same turn commits together. */
export interface GroupCommit {
  /**
   * Runs `work` inside the next batch transaction, in call order. The promise settles after
   * that transaction has committed (so, with `synchronous = FULL`, after the fsync), with
   * what `work` returned or threw.
   */
  run<T>(work: () => T): Promise<T>;
  /** Commits whatever is queued now (before closing the database). */
  flush(): void;
}

/**
 * Group commit: one transaction, and so one fsync, for every call made before the event
 * loop comes round to `setImmediate`. Under load that is every request parsed in the same
 * I/O phase, which is what lets a durable 2xx cost little more than a non-durable one.
 * If any work throws, the batch is rolled back and each piece is run again in a transaction
 * of its own, so only the one that fails is refused.
 */
export function createGroupCommit(db: Database.Database): GroupCommit {
  let queue: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  const runBatch = db.transaction((batch: Pending[]) => batch.map(({ work }) => work()));
  const runAlone = db.transaction((work: () => unknown) => work());

  function flush(): void {
    clearImmediate(scheduled);
    scheduled = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let values: unknown[] | undefined;
    try {
      values = runBatch(batch);
    } catch {
      // Rolled back as a whole; fall through to one transaction per piece.
    }
    for (let index = 0; index < batch.length; index++) {
      const pending = batch[index] as Pending;
      if (values) {
        pending.resolve(values[index]);
        continue;
      }
      try {
        pending.resolve(runAlone(pending.work));
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        scheduled ??= setImmediate(flush);
      });
    },
    flush,
  };
}
