import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureIo, seedDatabase } from '../test-support/admin-db.js';
import { tempDir } from '../test-support/tmp.js';
import { runCli } from './run.js';
import type { StatusReport } from './status-report.js';
import { formatAge, renderStatus } from './status-text.js';

const HOUR = 3_600_000;

async function seeded(options: Parameters<typeof seedDatabase>[1]) {
  const path = join(tempDir(), 'collector.sqlite');
  const store = await seedDatabase(path, options);
  onTestFinished(() => store.close());
  return { path, store, ...captureIo({ CLM_DB: path }) };
}

describe('clm-collector status', () => {
  it.each([['status'], ['replay'], ['export']])('has --help for %s', async (command) => {
    const { io, out } = captureIo();
    expect(await runCli([command, '--help'], io)).toBe(0);
    expect(out.stdout).toContain(`Usage: clm-collector ${command}`);
    expect(out.stdout).toContain('$CLM_DB (default ./data/collector.sqlite)');
  });

  it('documents its exit codes in --help', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['status', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('3 money in doubt: a billing call (start, usage report, end) is');
  });

  it('is listed in the main help with replay and export', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/status[\s\S]*replay[\s\S]*export/);
  });

  it.each([['status'], ['replay', '--all'], ['export']])(
    '%s exits 2 without a database and creates nothing',
    async (...argv) => {
      const dir = tempDir();
      const path = join(dir, 'data', 'collector.sqlite');
      const { io, out } = captureIo({ CLM_DB: path });
      expect(await runCli(argv, io)).toBe(2);
      expect(out.stderr).toBe(`clm-collector: no collector database at ${path} (set CLM_DB)\n`);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    },
  );

  it('refuses a file that is not a collector database and writes nothing to it', async () => {
    const other = join(tempDir(), 'other.sqlite');
    const raw = new Database(other);
    raw.exec('CREATE TABLE notes (body TEXT)');
    raw.close();
    const text = join(tempDir(), 'notes.txt');
    writeFileSync(text, 'not a database at all, just some text');
    for (const path of [other, text]) {
      const { io, out } = captureIo({ CLM_DB: path });
      expect(await runCli(['replay', '--all'], io)).toBe(2);
      expect(out.stderr).toContain(`clm-collector: ${path} is not a collector database`);
    }
    const after = new Database(other, { readonly: true });
    onTestFinished(() => void after.close());
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'notes' },
    ]);
  });

  it('defaults CLM_DB to ./data/collector.sqlite', async () => {
    const { io, out } = captureIo();
    const cwd = process.cwd();
    process.chdir(tempDir());
    onTestFinished(() => process.chdir(cwd));
    expect(await runCli(['status'], io)).toBe(2);
    expect(out.stderr).toContain('no collector database at ./data/collector.sqlite');
  });

  it('exits 2 on an unknown option', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['status', '--verbose'], io)).toBe(2);
    expect(out.stderr).toContain("unknown option '--verbose'");
  });

  const relays = [
    { customerId: 'old', status: 'pending' as const, createdAt: Date.now() - 3 * HOUR - 30_000 },
    { customerId: 'new', status: 'pending' as const },
    { customerId: 'busy', status: 'in_flight' as const },
    { customerId: 'done', status: 'delivered' as const, lastStatus: 201 },
    {
      customerId: 'cust-7',
      status: 'dead' as const,
      lastStatus: 400,
      lastError: 'onramp refused:\n{"error":"unknown partner"}',
    },
    { customerId: 'cust 8', status: 'dead' as const, lastError: 'stored payload is invalid' },
  ];

  it('prints counts, the oldest waiting relay and the dead letters', async () => {
    const { io, out } = await seeded({ relays, visits: 3 });
    expect(await runCli(['status'], io)).toBe(0);
    expect(out.stdout).toContain(
      'relays:         2 pending, 1 in flight, 1 delivered, 2 dead (6 total)\n',
    );
    expect(out.stdout).toContain('events:         3 visits, 6 purchase beacons\n');
    expect(out.stdout).toMatch(/oldest pending: queued \S+Z \(3h 0m ago\)\n/);
    expect(out.stdout).toContain('dead letters:   2\n');
    const rows = out.stdout.split('\n').filter((line) => /^ {2}\d/.test(line));
    expect(rows).toEqual([
      expect.stringMatching(
        /^ {2}6 +saas_tracking +acme-crm +cust 8 +1 +stored payload is invalid$/,
      ),
      expect.stringMatching(
        /^ {2}5 +saas_tracking +acme-crm +cust-7 +1 +HTTP 400: onramp refused: \{"error":"unknown partner"\}$/,
      ),
    ]);
    expect(out.stderr).toBe('');
  });

  it('prints the same as JSON with --json', async () => {
    const { io, out, path } = await seeded({ relays, visits: 3 });
    expect(await runCli(['status', '--json'], io)).toBe(0);
    const report = JSON.parse(out.stdout) as StatusReport;
    expect(report).toMatchObject({
      database: path,
      relays: { pending: 2, in_flight: 1, delivered: 1, dead: 2, total: 6 },
      events: { visits: 3, purchaseBeacons: 6 },
      oldestPending: { since: new Date(relays[0]?.createdAt ?? 0).toISOString() },
      deadLetters: {
        count: 2,
        newest: [
          { id: 6, customerId: 'cust 8', attempts: 1, lastStatus: null },
          { id: 5, serviceName: 'acme-crm', customerId: 'cust-7', lastStatus: 400 },
        ],
      },
    });
    expect(report.oldestPending?.ageSeconds).toBeGreaterThanOrEqual(3 * 3600 + 30);
  });

  it('shows the newest 10 of many dead letters, and none waiting', async () => {
    const dead = Array.from({ length: 12 }, (_, i) => ({
      customerId: `c${i + 1}`,
      status: 'dead' as const,
    }));
    const { io, out } = await seeded({ relays: dead });
    expect(await runCli(['status', '--json'], io)).toBe(0);
    const report = JSON.parse(out.stdout) as StatusReport;
    expect(report.oldestPending).toBeNull();
    expect(report.deadLetters.count).toBe(12);
    expect(report.deadLetters.newest.map((d) => d.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
  });

  it('leaves relays a running collector is sending in flight', async () => {
    const { io, path, store } = await seeded({ relays });
    expect(await runCli(['status'], io)).toBe(0);
    expect(await runCli(['export'], captureIo({ CLM_DB: path }).io)).toBe(0);
    expect(await store.countRelays()).toMatchObject({ in_flight: 1 });
    await store.close();
    const raw = new Database(path, { readonly: true });
    onTestFinished(() => void raw.close());
    expect(raw.prepare("SELECT customer_id FROM relays WHERE status = 'in_flight'").all()).toEqual([
      { customer_id: 'busy' },
    ]);
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [61, '1m 1s'],
    [3 * 3600 + 59, '3h 0m'],
    [2 * 86_400 + 5 * 3600 + 7, '2d 5h'],
  ])('%d s is %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});

describe('renderStatus', () => {
  it('names the HTTP status of a dead letter once when its reason already does', () => {
    const dead = {
      id: 3,
      kind: 'saas_tracking' as const,
      serviceName: 's',
      customerId: 'c',
      attempts: 1,
      updatedAt: '',
    };
    const text = renderStatus({
      database: '/db',
      relays: {
        pending: 0,
        in_flight: 0,
        delivered: 0,
        dead: 2,
        unconfirmed: 0,
        kept: 0,
        total: 2,
      },
      events: { visits: 0, purchaseBeacons: 2 },
      oldestPending: null,
      unconfirmedUsageReports: { count: 0, newest: [] },
      heldUsageReports: { count: 0 },
      moneyInDoubt: {
        count: 0,
        byKind: {
          start_billing: { unconfirmed: 0, dead: 0, held: 0 },
          usage_report: { unconfirmed: 0, dead: 0, held: 0 },
          usage_end: { unconfirmed: 0, dead: 0, held: 0 },
        },
        usage: [],
        newest: [],
      },
      deadLetters: {
        count: 2,
        newest: [
          { ...dead, lastStatus: 400, lastError: 'HTTP 400: rejected by the onramp' },
          { ...dead, id: 2, lastStatus: 422, lastError: 'onramp refused' },
        ],
      },
    });
    expect(text).toMatch(/ 1 +HTTP 400: rejected by the onramp\n/);
    expect(text).toMatch(/ 1 +HTTP 422: onramp refused\n/);
  });
});
