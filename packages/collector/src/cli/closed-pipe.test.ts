import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { seedDatabase } from '../test-support/admin-db.js';
import { tempDir } from '../test-support/tmp.js';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { runCli } from './run.js';

/** The write end of a real pipe whose reader (`head -c 1`) has already gone. */
async function closedPipe(): Promise<Writable> {
  const reader = spawn('head', ['-c', '1'], { stdio: ['pipe', 'ignore', 'ignore'] });
  onTestFinished(() => void reader.kill());
  reader.stdin.write('x');
  await once(reader, 'exit');
  endQuietlyOnClosedPipe(reader.stdin);
  return reader.stdin;
}

describe('a closed pipe on stdout (`| head`)', () => {
  it('ends a help quietly with 0, however much is still to write', async () => {
    for (const argv of [['help', 'usage'], ['--help'], ['orders', '--help']]) {
      const stdout = await closedPipe();
      let stderr = '';
      const code = await runCli(argv, { env: {}, stdout, stderr: { write: (s) => (stderr += s) } });
      // Let the pipe's error, which comes after the write returns, arrive before judging.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(code, argv.join(' ')).toBe(0);
      expect(stderr, argv.join(' ')).toBe('');
    }
  });

  it('ends a listing cut short (export) quietly with 0, saying nothing about the pipe', async () => {
    const path = join(tempDir(), 'collector.sqlite');
    const relays = Array.from({ length: 3000 }, (_, i) => ({
      customerId: `cust-${i}`,
      status: 'delivered' as const,
    }));
    const store = await seedDatabase(path, { relays });
    await store.close();
    const stdout = await closedPipe();
    let stderr = '';
    const io = { env: { CLM_DB: path }, stdout, stderr: { write: (s: string) => (stderr += s) } };
    expect(await runCli(['export'], io)).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|pipe|Error/);
  });

  it('still raises any other stream error', () => {
    const listeners: ((error: Error) => void)[] = [];
    endQuietlyOnClosedPipe({
      on: (_event: string, fn: (error: Error) => void) => listeners.push(fn),
    } as never);
    const full = Object.assign(new Error('no space left'), { code: 'ENOSPC' });
    expect(() => listeners[0]?.(full)).toThrow('no space left');
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(() => listeners[0]?.(epipe)).not.toThrow();
  });
});
