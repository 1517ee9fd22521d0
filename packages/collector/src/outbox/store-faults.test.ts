import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startChain } from '../test-support/chain.js';
import { waitFor } from '../test-support/http.js';

describe('store faults while relaying', () => {
  it('keeps an outcome the full disk refused and writes it later: the onramp sees one call', async () => {
    const chain = await startChain();
    // A second connection plays the full disk for the "delivered" update only.
    const disk = new Database(chain.dbPath);
    onTestFinished(() => {
      disk.close();
    });
    disk.exec(`CREATE TRIGGER disk_full BEFORE UPDATE OF status ON relays
      WHEN NEW.status = 'delivered' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    expect(await chain.purchases(['cust-full'])).toEqual([204]);
    await waitFor(
      () => chain.logger.lines.filter((line) => line.includes('failed, retrying')).length >= 3,
      { message: 'three refused writes' },
    );
    expect(await chain.received()).toEqual(['cust-full']);
    expect(await chain.count('in_flight')).toBe(1);
    disk.exec('DROP TRIGGER disk_full');
    const [relay] = await chain.settled();
    expect(relay).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await chain.received()).toEqual(['cust-full']);
    console.log(
      `[faults] disk full during relay: refused writes ${chain.logger.lines.filter((l) => l.includes('failed, retrying')).length}, accepted 1, relayed 1`,
    );
  });
});
