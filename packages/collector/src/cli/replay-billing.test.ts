import { describe, expect, it } from 'vitest';
import { fakeStdin, usageDatabase } from '../test-support/usage-db.js';
import { runCli } from './run.js';

// The usage scenario's one dead billing call: June's refused report of ord-a's SKU-B.
async function deadReport() {
  const db = await usageDatabase();
  const id = db.ids['2026-06 ord-a SKU-B'] as number;
  const status = async () =>
    (await db.store.usageLines()).find((line) => line.report?.id === id)?.report?.status;
  const listing = (id: number) =>
    'Replaying sends 1 billing call to the marketplace again:\n' +
    `  relay ${id}: POST /saas-usage/, order ord-a, SKU-B, period 2026-06, usageCount 12.5\n` +
    "Each usage report adds its usageCount to the buyer's bill.\n" +
    'The marketplace refused each before: replay once the cause is fixed.\n';
  return { ...db, id, status, listed: listing(id) };
}

describe('clm-collector replay of dead billing calls', () => {
  it('says what it would send and refuses without a terminal or --yes (exit 2)', async () => {
    for (const argv of [['ID'], ['--all']]) {
      const { cli, id, status, listed } = await deadReport();
      const { io, out } = cli();
      const args = argv.map((arg) => (arg === 'ID' ? String(id) : arg));
      expect(await runCli(['replay', ...args], io), args.join(' ')).toBe(2);
      expect(out.stdout).toBe(listed);
      expect(out.stderr).toBe(
        'clm-collector: stdin is not a terminal to ask on; pass --yes to go ahead\n',
      );
      expect(await status()).toBe('dead');
    }
  });

  it('names the call v1 makes under CLM_MARKETPLACE_API=v1: /update-subscription/', async () => {
    const { cli, id, listed } = await deadReport();
    const { io, out } = cli({ env: { CLM_MARKETPLACE_API: 'v1' } });
    expect(await runCli(['replay', String(id)], io)).toBe(2);
    expect(out.stdout).toBe(listed.replace('POST /saas-usage/', 'POST /update-subscription/'));
  });

  it('changes nothing when the answer is no (exit 1)', async () => {
    const { cli, id, status, listed } = await deadReport();
    const { io, out } = cli({ stdin: fakeStdin(true, 'n\n') });
    expect(await runCli(['replay', String(id)], io)).toBe(1);
    expect(out.stdout).toBe(`${listed}Send it again? [y/N] `);
    expect(out.stderr).toBe('clm-collector: not replayed; nothing was changed\n');
    expect(await status()).toBe('dead');
  });

  it('sends it again on yes', async () => {
    const { cli, id, status, listed } = await deadReport();
    const { io, out } = cli({ stdin: fakeStdin(true, 'yes\n') });
    expect(await runCli(['replay', String(id)], io)).toBe(0);
    expect(out.stdout).toBe(
      `${listed}Send it again? [y/N] replayed 1 of 1 requested\n` +
        'a running collector sends them at its next poll\n',
    );
    expect(await status()).toBe('pending');
  });

  it('asks nothing with --yes, for ids and for --all', async () => {
    for (const argv of [
      ['ID', '--yes'],
      ['--all', '--yes'],
    ]) {
      const { cli, id, status } = await deadReport();
      const { io, out } = cli();
      const args = argv.map((arg) => (arg === 'ID' ? String(id) : arg));
      expect(await runCli(['replay', ...args], io), args.join(' ')).toBe(0);
      expect(out.stdout).toMatch(/^replayed 1 (of 1 requested|dead letter)\n/);
      expect(await status()).toBe('pending');
    }
  });
});
