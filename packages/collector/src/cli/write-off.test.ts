import { describe, expect, it } from 'vitest';
import { fakeStdin, usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

describe('clm-collector write-off', () => {
  it('takes a dead report out of the money in doubt, once, and leaves the others', async () => {
    const { cli, ids } = await usageDatabase();
    const dead = String(ids['2026-06 ord-a SKU-B']);
    const unconfirmed = String(ids['2026-06 ord-a SKU-A']);

    const first = cli();
    expect(await runCli(['write-off', dead, unconfirmed, '999999', '--yes'], first.io)).toBe(1);
    expect(first.out.stdout).toBe('wrote off 1 of 3 requested\n');
    expect(first.out.stderr).toBe(
      `not written off, left as they are: ${unconfirmed}: unconfirmed, not dead; 999999: no such relay\n`,
    );
    const again = cli();
    expect(await runCli(['write-off', dead, '--yes'], again.io)).toBe(1);
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

  it('lists what it gives up on and asks first; without a terminal it needs --yes', async () => {
    const { cli, ids, store } = await usageDatabase();
    const dead = ids['2026-06 ord-a SKU-B'] as number;
    const stateOf = async () => (await store.listRelays({ limit: 100 })).find((r) => r.id === dead);
    const before = await stateOf();
    const listed =
      'Writing off keeps 1 billing call dead for good: never sent, not billed:\n' +
      `  relay ${dead}: POST /saas-usage/, order ord-a, SKU-B, period 2026-06, usageCount 12.5\n` +
      'Usage never billed: SKU-B 12.5 (1 report).\n' +
      'A write-off cannot be undone: no replay or resend sends them afterwards.\n';

    const script = cli();
    expect(await runCli(['write-off', String(dead)], script.io)).toBe(2);
    expect(script.out.stdout).toBe(listed);
    expect(script.out.stderr).toContain('pass --yes to go ahead');
    const no = cli({ stdin: fakeStdin(true, 'n\n') });
    expect(await runCli(['write-off', String(dead)], no.io)).toBe(1);
    expect(no.out.stderr).toBe('clm-collector: not written off; nothing was changed\n');
    expect(await stateOf()).toEqual(before);

    const yes = cli({ stdin: fakeStdin(true, 'y\n') });
    expect(await runCli(['write-off', String(dead)], yes.io)).toBe(0);
    expect(yes.out.stdout).toBe(`${listed}Write it off? [y/N] wrote off 1 of 1 requested\n`);
    expect((await stateOf())?.lastError).toMatch(/^written off by an operator, not billed: /);
  });

  it('refuses a word that is not a relay id (exit 2)', async () => {
    const { cli } = await usageDatabase();
    const { io, out } = cli();
    expect(await runCli(['write-off', 'abc'], io)).toBe(2);
    expect(out.stderr).toContain('"abc" is not a relay id');
  });
});
