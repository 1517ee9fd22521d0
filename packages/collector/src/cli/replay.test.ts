import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { createSandboxApp } from '../sandbox/app.js';
import { startCollector } from '../serve.js';
import { captureIo, type SeedRelay, seedDatabase } from '../test-support/admin-db.js';
import { listen, waitFor } from '../test-support/http.js';
import { tempDir } from '../test-support/tmp.js';
import { runCli } from './run.js';

const relays: SeedRelay[] = [
  { customerId: 'a', status: 'dead', lastStatus: 400 },
  { customerId: 'b', status: 'delivered', lastStatus: 201 },
  { customerId: 'c', status: 'dead', lastError: 'stored payload is invalid' },
  { customerId: 'd', status: 'in_flight' },
];

async function seeded(seed: readonly SeedRelay[] = relays) {
  const path = join(tempDir(), 'collector.sqlite');
  const store = await seedDatabase(path, { relays: seed });
  onTestFinished(() => store.close());
  return { path, store, ...captureIo({ CLM_DB: path }) };
}

const statuses = async (store: Awaited<ReturnType<typeof seeded>>['store']) =>
  (await store.pageRelays({ afterId: 0, limit: 100 })).map((relay) => relay.status);

describe('clm-collector replay', () => {
  it.each([
    [[], 'replay needs relay ids or --all'],
    [['1', '--all'], 'replay takes relay ids or --all, not both'],
    [['abc'], '"abc" is not a relay id'],
    [['0'], '"0" is not a relay id'],
    [['1.5'], '"1.5" is not a relay id'],
    [['1e3'], '"1e3" is not a relay id'],
    [['99999999999999999999'], '"99999999999999999999" is not a relay id'],
    [['-1'], '"-1" is not a relay id'],
  ])('exits 2 and changes nothing for %j', async (args, message) => {
    const { io, out, store } = await seeded();
    expect(await runCli(['replay', ...args], io)).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe('');
    expect(await statuses(store)).toEqual(['dead', 'delivered', 'dead', 'in_flight']);
  });

  it('replays the dead ones of the given ids and names the others', async () => {
    const { io, out, store } = await seeded();
    expect(await runCli(['replay', '3', '2', '4', '3', '77'], io)).toBe(1);
    expect(out.stdout).toBe(
      'replayed 1 of 4 requested\na running collector sends them at its next poll\n',
    );
    expect(out.stderr).toBe(
      'not replayed, left as they are: 2 (delivered), 4 (in_flight), 77 (no such relay)\n',
    );
    expect(await statuses(store)).toEqual(['dead', 'delivered', 'pending', 'in_flight']);
  });

  it('exits 0 when every id was dead', async () => {
    const { io, out, store } = await seeded();
    expect(await runCli(['replay', '1', '3'], io)).toBe(0);
    expect(out.stdout).toContain('replayed 2 of 2 requested\n');
    expect(out.stderr).toBe('');
    expect(await statuses(store)).toEqual(['pending', 'delivered', 'pending', 'in_flight']);
  });

  it('replays every dead letter with --all', async () => {
    const { io, out, path, store } = await seeded();
    expect(await runCli(['replay', '--all'], io)).toBe(0);
    expect(out.stdout).toBe(
      'replayed 2 dead letters\na running collector sends them at its next poll\n',
    );
    expect(await statuses(store)).toEqual(['pending', 'delivered', 'pending', 'in_flight']);
    const again = captureIo({ CLM_DB: path });
    expect(await runCli(['replay', '--all'], again.io)).toBe(0);
    expect(again.out.stdout).toBe('replayed 0 dead letters\n');
  });

  it('hands the replayed relay to a running collector, which sends it once', async () => {
    const onramp = await listen(createSandboxApp());
    const path = join(tempDir(), 'collector.sqlite');
    const seed = await seedDatabase(path, {
      relays: [{ customerId: 'cust-dead', status: 'dead', lastStatus: 400 }],
    });
    await seed.close();
    const config = loadConfig({
      ONRAMP_BASE_URL: onramp,
      CLM_PARTNER_KEYS: 'PK-1',
      HOST: '127.0.0.1',
      PORT: '0',
      CLM_DB: path,
      CLM_RELAY_POLL_MS: '20',
    });
    const collector = await startCollector({ config, logger: silentLogger, pixelScript: null });
    onTestFinished(() => collector.close());

    const { io } = captureIo({ CLM_DB: path });
    expect(await runCli(['replay', '1'], io)).toBe(0);
    const received = async () =>
      (await (await fetch(`${onramp}/_sandbox/received`)).json()) as {
        body: { customerId: string };
      }[];
    const [call] = await waitFor(async () => {
      const calls = await received();
      return calls.length > 0 ? calls : null;
    });
    expect(call?.body.customerId).toBe('cust-dead');
    const status = captureIo({ CLM_DB: path });
    await waitFor(async () => {
      await runCli(['status', '--json'], status.io);
      const report = JSON.parse(status.out.stdout) as { relays: { delivered: number } };
      status.out.stdout = '';
      return report.relays.delivered === 1;
    });
    expect(await received()).toHaveLength(1);
  });
});
