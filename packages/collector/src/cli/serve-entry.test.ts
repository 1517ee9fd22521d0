import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { tempDir } from '../test-support/tmp.js';
import type { CliIo } from './io.js';
import { runCli } from './run.js';
import { serveEntry } from './serve-entry.js';

/** Runs `serve` through `run` on `env` and resolves with its exit code and stderr. */
async function outcome(
  run: (io: CliIo) => Promise<number>,
  env: Record<string, string>,
  shutdown?: Promise<void>,
) {
  let stderr = '';
  const io: CliIo = {
    env,
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    ...(shutdown && { shutdown }),
  };
  return { code: await run(io), stderr };
}

const viaCli = (io: CliIo) => runCli(['serve'], io);

// What the service tells V8 (recorded, not applied to the test's own process).
const v8Flags = vi.hoisted(() => [] as string[]);
vi.mock('node:v8', async (real) => ({
  ...(await real<typeof import('node:v8')>()),
  setFlagsFromString: (flags: string) => v8Flags.push(flags),
}));

// `clm-collector serve` starts through serveEntry, other commands through runCli: the
// service must end with the same code and words either way.
describe('serve without the rest of the CLI', () => {
  it('exits 2 with the same message as the CLI for an invalid environment', async () => {
    const env = { ONRAMP_BASE_URL: 'http://127.0.0.1:9', PORT: 'x' };
    const alone = await outcome(serveEntry, env);
    expect(alone).toEqual(await outcome(viaCli, env));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('PORT must be a whole number');
  });

  it('exits 1 with the same message as the CLI when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const env = (name: string) => ({
      ONRAMP_BASE_URL: 'http://127.0.0.1:9',
      CLM_PARTNER_KEYS: 'PK-1',
      HOST: '127.0.0.1',
      PORT: String((taken.address() as AddressInfo).port),
      CLM_DB: join(tempDir(), `${name}.sqlite`),
      CLM_LOG_LEVEL: 'silent',
    });
    const alone = await outcome(serveEntry, env('alone'));
    expect(alone).toEqual(await outcome(viaCli, env('cli')));
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^clm-collector: .*EADDRINUSE/);
  });

  it('exits 0 after a clean shutdown', async () => {
    const env = {
      ONRAMP_BASE_URL: 'http://127.0.0.1:9',
      CLM_PARTNER_KEYS: 'PK-1',
      HOST: '127.0.0.1',
      PORT: '0',
      CLM_DB: join(tempDir(), 'clean.sqlite'),
      CLM_LOG_LEVEL: 'silent',
    };
    expect(await outcome(serveEntry, env, Promise.resolve())).toEqual({ code: 0, stderr: '' });
  });

  // Memory is part of what a provider pays for: without the bound, V8 let 50–65 MB of
  // garbage pile up in a relay drain (docs/benchmarks.md, issue 24 second pass).
  it('bounds the growth of the old generation to its live size, from inside the process', async () => {
    v8Flags.length = 0;
    await outcome(serveEntry, { ONRAMP_BASE_URL: 'http://127.0.0.1:9', PORT: 'x' });
    expect(v8Flags).toEqual(['--heap-growing-percent=100']);
  });
});
