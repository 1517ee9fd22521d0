import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fingerprint } from '../log.js';
import { captureIo, type SeedRelay, seedDatabase } from '../test-support/admin-db.js';
import { tempDir } from '../test-support/tmp.js';
import { runExport } from './export.js';
import { runCli } from './run.js';

const T = Date.UTC(2026, 0, 15, 9, 30);
const HEADER =
  'id,kind,service_name,customer_id,status,attempts,purchased_at,created_at,delivered_at,' +
  'last_status,last_error,partner_key_fingerprint\r\n';

const relays: SeedRelay[] = [
  { customerId: 'plain', status: 'pending', createdAt: T },
  {
    customerId: 'Smith, "Jo"',
    status: 'delivered',
    createdAt: T + 1000,
    lastStatus: 201,
    finishedAt: T + 1500,
  },
  {
    customerId: '=HYPERLINK("http://evil.example")',
    status: 'dead',
    createdAt: T + 2000,
    lastStatus: 400,
    lastError: 'onramp refused:\n{"error":"bad"}',
  },
  { customerId: '@SUM(1)', status: 'dead', createdAt: T + 3000, partnerKey: 'PK-2' },
];

async function seeded(seed: readonly SeedRelay[] = relays) {
  const dir = tempDir();
  const path = join(dir, 'collector.sqlite');
  const store = await seedDatabase(path, { relays: seed });
  onTestFinished(() => store.close());
  return { dir, path, store, ...captureIo({ CLM_DB: path }) };
}

const fp = fingerprint('PK-1');

describe('clm-collector export', () => {
  it('writes every relay as RFC 4180 CSV with formulas defused, data only on stdout', async () => {
    const { io, out } = await seeded();
    expect(await runCli(['export', '--format', 'csv'], io)).toBe(0);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(out.stdout).toBe(
      HEADER +
        `1,saas_tracking,acme-crm,plain,pending,1,${iso(T)},${iso(T)},,,,${fp}\r\n` +
        `2,saas_tracking,acme-crm,"Smith, ""Jo""",delivered,1,${iso(T + 1000)},${iso(T + 1000)},` +
        `${iso(T + 1500)},201,,${fp}\r\n` +
        `3,saas_tracking,acme-crm,"'=HYPERLINK(""http://evil.example"")",dead,1,${iso(T + 2000)},` +
        `${iso(T + 2000)},,400,"onramp refused:\n{""error"":""bad""}",${fp}\r\n` +
        `4,saas_tracking,acme-crm,'@SUM(1),dead,1,${iso(T + 3000)},${iso(T + 3000)},,,,` +
        `${fingerprint('PK-2')}\r\n`,
    );
    expect(out.stdout).not.toContain('PK-1');
    expect(out.stderr).toMatch(/^exported 4 relays \(csv\) to stdout in \d+\.\d s\n$/);
  });

  it('filters by status and writes JSON Lines', async () => {
    const { io, out } = await seeded();
    expect(await runCli(['export', '--status', 'dead', '--format', 'jsonl'], io)).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        id: 3,
        customer_id: '=HYPERLINK("http://evil.example")',
        status: 'dead',
        delivered_at: null,
        last_status: 400,
        last_error: 'onramp refused:\n{"error":"bad"}',
      }),
      expect.objectContaining({ id: 4, customer_id: '@SUM(1)', status: 'dead' }),
    ]);
  });

  it('writes to --output, owner-only, and nothing to stdout', async () => {
    const { io, out, dir } = await seeded();
    const file = join(dir, 'relays.csv');
    expect(await runCli(['export', '--output', file], io)).toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`exported 4 relays (csv) to ${file}`);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(HEADER)).toBe(true);
    expect(text.split('\r\n')).toHaveLength(6);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it.each([
    [['--format', 'xml'], "argument 'xml' is invalid"],
    [['--status', 'lost'], "argument 'lost' is invalid"],
    [['--output'], "option '--output <file>' argument missing"],
    [['--output', '/nonexistent-dir/x.csv'], 'its directory does not exist'],
    [['extra'], 'too many arguments'],
  ])('exits 2 on %j', async (args, message) => {
    const { io, out } = await seeded();
    expect(await runCli(['export', ...args], io)).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe('');
  });

  it('stops quietly with 0 when its reader has closed stdout (`| head`)', async () => {
    const { io, out } = await seeded();
    const closed = new PassThrough();
    closed.destroy();
    expect(await runCli(['export'], { ...io, stdout: closed })).toBe(0);
    expect(out.stderr).toBe('');
  });

  it('reports progress at most once a second, then a summary', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({
      customerId: `c${i}`,
      status: 'delivered' as const,
    }));
    const { io, out, dir } = await seeded(many);
    // Each read of the clock is 600 ms later: a line every other page.
    let time = 0;
    const now = () => (time += 600);
    const file = join(dir, 'all.csv');
    expect(await runExport({ format: 'csv', output: file, now }, io)).toBe(0);
    expect(out.stderr).toBe(
      'exported 2000 of 2500 relays\nexported 2500 relays (csv) to ' +
        `${file} in ${((time - 600) / 1000).toFixed(1)} s\n`,
    );
    expect(readFileSync(file, 'utf8').split('\r\n')).toHaveLength(2502);
    expect(existsSync(`${file}.${process.pid}.partial`)).toBe(false);
  });
});
