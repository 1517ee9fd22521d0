import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../app.js';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { beaconJson, postBeacon } from '../test-support/beacons.js';
import { listen } from '../test-support/http.js';
import { tempDir } from '../test-support/tmp.js';

const purchase = (customerId: string) => beaconJson({ customerId });

async function collector(wrap: (store: Store) => Store = (store) => store) {
  const path = join(tempDir(), 'collector.sqlite');
  const store = await openSqliteStore({ path, logger: silentLogger });
  onTestFinished(() => store.close());
  const relay = { notified: 0, notify: () => void relay.notified++ };
  const app = createApp({
    store: wrap(store),
    clock: { now: () => Date.now() },
    logger: silentLogger,
    config: { partnerKeys: ['PK-1'], allowedOrigins: [] },
    relay,
    pixelScript: null,
  });
  const url = await listen(app);
  // A second connection to the same file plays the failing disk: a trigger makes every
  // relay insert fail inside the beacon's transaction, after its event row was written.
  const disk = new Database(path);
  onTestFinished(() => {
    disk.close();
  });
  const post = (body: string) => postBeacon(url, body);
  return { store, relay, disk, post };
}

const FAIL_RELAY_INSERTS = `CREATE TRIGGER disk_full BEFORE INSERT ON relays
  BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`;

describe('storage faults', () => {
  it('answers 503 when the disk fills mid-transaction, writes nothing, recovers', async () => {
    const { store, relay, disk, post } = await collector();
    disk.exec(FAIL_RELAY_INSERTS);
    const refused = [];
    for (let i = 0; i < 5; i++) refused.push((await post(purchase(`cust-${i}`))).status);
    expect(refused).toEqual([503, 503, 503, 503, 503]);
    // The event insert ran before the failing relay insert: rolled back with it.
    expect(await store.countEvents()).toBe(0);
    expect(await store.listRelays()).toEqual([]);
    expect(relay.notified).toBe(0);

    disk.exec('DROP TRIGGER disk_full');
    expect((await post(purchase('cust-0'))).status).toBe(204);
    expect(await store.countEvents()).toBe(1);
    expect(await store.listRelays()).toHaveLength(1);
  });

  it.each([
    ['SQLITE_FULL', 'database or disk is full'],
    ['SQLITE_READONLY', 'attempt to write a readonly database'],
  ])('answers 503 to %s and recovers when the store does', async (code, message) => {
    let failing = true;
    const { store, post } = await collector((inner) => ({
      ...inner,
      recordEvent: (event, relayRow) => {
        if (!failing) return inner.recordEvent(event, relayRow);
        return Promise.reject(new Database.SqliteError(message, code));
      },
    }));
    const res = await post(purchase('cust-1'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'storage unavailable, retry later' });
    failing = false;
    expect((await post(purchase('cust-1'))).status).toBe(204);
    expect(await store.listRelays()).toHaveLength(1);
  });
});
