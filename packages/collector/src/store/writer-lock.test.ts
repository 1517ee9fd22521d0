import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { tempDir } from '../test-support/tmp.js';
import { openSqliteStore } from './sqlite.js';
import { DatabaseInUseError, takeWriterLock } from './writer-lock.js';

// A separate process holding the lock, as a second collector on the same host would.
function lockInChild(path: string) {
  const script = `
    const Database = require('better-sqlite3');
    const lock = new Database(${JSON.stringify(`${path}.lock`)});
    lock.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  const killed = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return { locked, killed };
}

describe('writer lock', () => {
  it('refuses a second collector on the same file until the first closes', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const first = await openSqliteStore({ path, logger: silentLogger });
    await expect(openSqliteStore({ path, logger: silentLogger })).rejects.toThrow(
      `another collector is already serving ${path} (CLM_DB): run one collector per database file`,
    );
    // Admin tools still open it beside the collector.
    const admin = await openSqliteStore({ path, logger: silentLogger, releaseInterrupted: false });
    await admin.ping();
    await admin.close();
    await first.close();
    const second = await openSqliteStore({ path, logger: silentLogger });
    await second.close();
  });

  it('refuses a second collector reaching the same file through a symlink, `..` past one, or a relative path', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data', 'sub'), { recursive: true });
    const path = join(dir, 'data', 'c.sqlite');
    // The file does not exist yet when the first collector takes the lock.
    const first = await openSqliteStore({ path, logger: silentLogger });
    onTestFinished(() => first.close());
    symlinkSync(join(dir, 'data'), join(dir, 'linked-dir'));
    symlinkSync(path, join(dir, 'linked.sqlite'));
    symlinkSync(join(dir, 'data', 'sub'), join(dir, 'deep'));
    const others = [
      join(dir, 'linked-dir', 'c.sqlite'),
      join(dir, 'linked.sqlite'),
      // `..` after a symlink is the parent of its target (data), not of the link (dir):
      // written as a string, since join() and resolve() would drop the `..` wrongly.
      `${dir}/deep/../c.sqlite`,
      relative(process.cwd(), path),
    ];
    for (const other of others) {
      await expect(openSqliteStore({ path: other, logger: silentLogger }), other).rejects.toThrow(
        DatabaseInUseError,
      );
    }
  });

  it('takes the same lock through a symlink to a file not created yet', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    symlinkSync(join(dir, 'data', 'new.sqlite'), join(dir, 'linked.sqlite'));
    const lock = takeWriterLock(join(dir, 'linked.sqlite'));
    onTestFinished(() => lock.release());
    expect(() => takeWriterLock(join(dir, 'data', 'new.sqlite'))).toThrow(DatabaseInUseError);
  });

  it('is released by the operating system when its process is killed', async () => {
    const path = join(tempDir(), 'c.sqlite');
    const holder = lockInChild(path);
    await holder.locked;
    expect(() => takeWriterLock(path)).toThrow(DatabaseInUseError);
    await holder.killed();
    const lock = takeWriterLock(path);
    lock.release();
  });
});
