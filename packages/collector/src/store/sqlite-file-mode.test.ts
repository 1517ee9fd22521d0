import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type Logger, silentLogger } from '../log.js';
import { purchaseFixture } from '../test-support/fixtures.js';
import { tempDir } from '../test-support/tmp.js';
import { openSqliteStore } from './sqlite.js';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

// The usual umask of a shell and of a container: new files 0644 unless asked otherwise.
function umask022() {
  const before = process.umask(0o022);
  onTestFinished(() => void process.umask(before));
}

// Opens the store at `path` and resolves with the warnings it logged.
async function warningsOpening(path: string): Promise<string[]> {
  const warnings: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (_component, message) => void warnings.push(message),
  };
  const store = await openSqliteStore({ path, logger });
  onTestFinished(() => store.close());
  return warnings;
}

describe('the SQLite database file', () => {
  it('is created 0600 with its -wal, -shm and lock files, whatever the umask', async () => {
    umask022();
    const path = join(tempDir(), 'data', 'collector.sqlite');
    const store = await openSqliteStore({ path, logger: silentLogger });
    onTestFinished(() => store.close());
    const { event, relay } = purchaseFixture();
    await store.recordEvent(event, relay);
    for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}.lock`])
      expect(modeOf(file), file).toBe('600');
  });

  it('leaves an existing file’s mode as it is, and warns when others may read it', async () => {
    umask022();
    const path = join(tempDir(), 'collector.sqlite');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const warnings = await warningsOpening(path);
    expect(modeOf(path)).toBe('644');
    expect(warnings).toEqual([
      `the database ${path} is open to other users (mode 0644): it holds customer ids; chmod 600 it and its -wal and -shm files (the collector leaves an existing file as it is)`,
    ]);
  });

  it('says nothing of an existing file only its owner can open', async () => {
    const path = join(tempDir(), 'collector.sqlite');
    writeFileSync(path, '', { mode: 0o600 });
    const warnings = await warningsOpening(path);
    expect(warnings).toEqual([]);
  });
});
