import { describe, expect, it } from 'vitest';
import { usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

describe('clm-collector write-off', () => {
  it('takes a dead report out of the money in doubt, once, and leaves the others', async () => {
    const { cli, ids } = await usageDatabase();
    const dead = String(ids['2026-06 ord-a SKU-B']);
    const unconfirmed = String(ids['2026-06 ord-a SKU-A']);

    const first = cli();
    expect(await runCli(['write-off', dead, unconfirmed, '999999'], first.io)).toBe(1);
    expect(first.out.stdout).toBe('wrote off 1 of 3 requested\n');
    expect(first.out.stderr).toBe(
      `not written off, left as they are: ${unconfirmed}: unconfirmed, not dead; 999999: no such relay\n`,
    );
    const again = cli();
    expect(await runCli(['write-off', dead], again.io)).toBe(1);
    expect(again.out.stderr).toContain(`${dead}: written off already`);

    // Still in doubt: the unconfirmed one, until it is confirmed.
    const status = cli();
    expect(await runCli(['status'], status.io)).toBe(3);
    expect(await runCli(['usage', 'confirm', unconfirmed], cli().io)).toBe(0);
    const settled = cli();
    expect(await runCli(['status'], settled.io)).toBe(0);
    expect(settled.out.stdout.split('\n')[0]).toBe('money in doubt: none');
    // Nothing sends it again.
    const replay = cli();
    expect(await runCli(['replay', dead], replay.io)).toBe(1);
  });

  it('refuses a word that is not a relay id (exit 2)', async () => {
    const { cli } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['write-off', 'abc'], io)).toBe(2);
    expect(out.stderr).toContain('"abc" is not a relay id');
  });
});
