import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli/io.js';
import { runCli } from '../cli/run.js';
import { waitFor } from '../test-support/http.js';

function io(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  let shutdown = () => {};
  const value: CliIo = {
    env,
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    shutdown: new Promise<void>((resolve) => (shutdown = resolve)),
  };
  return { io: value, out, shutdown: () => shutdown() };
}

const provisionUrl = 'http://127.0.0.1:9/marketplace/provision';

describe('clm-collector sandbox --provision-url', () => {
  it('exits 2 without CLM_PROVISION_TOKEN, naming it', async () => {
    const { io: cliIo, out } = io();
    expect(await runCli(['sandbox', '--port', '0', '--provision-url', provisionUrl], cliIo)).toBe(
      2,
    );
    expect(out.stderr).toMatch(/--provision-url needs CLM_PROVISION_TOKEN/);
  });

  it('exits 2 on a URL that is not http(s)', async () => {
    const { io: cliIo, out } = io({ CLM_PROVISION_TOKEN: 'tok' });
    expect(
      await runCli(['sandbox', '--port', '0', '--provision-url', 'localhost:8080'], cliIo),
    ).toBe(2);
    expect(out.stderr).toContain('--provision-url must be an http(s) URL');
  });

  it('serves a Buy page sending to the URL, logging where it is but not the token', async () => {
    const { io: cliIo, out, shutdown } = io({ CLM_PROVISION_TOKEN: 'tok-never-logged' });
    const exit = runCli(['sandbox', '--port', '0', '--provision-url', provisionUrl], cliIo);
    const [, url] = await waitFor(() => /"msg":"listening on (http:\/\/[^"]+)"/.exec(out.stdout), {
      message: 'listening',
    });
    expect(out.stdout).toContain(
      `marketplace page: ${url}/marketplace; Buy sends provisioning requests to ${provisionUrl}`,
    );
    const page = await (await fetch(`${url}/marketplace`)).text();
    expect(page).toContain(`<code id="provision-url">${provisionUrl}</code>`);
    expect(page).not.toContain('tok-never-logged');
    shutdown();
    expect(await exit).toBe(0);
    expect(out.stdout + out.stderr).not.toContain('tok-never-logged');
  });

  it('says the Buy button is off without --provision-url', async () => {
    const { io: cliIo, out, shutdown } = io();
    const exit = runCli(['sandbox', '--port', '0'], cliIo);
    await waitFor(() => out.stdout.includes('marketplace page:'), { message: 'page line' });
    expect(out.stdout).toContain(
      'its Buy button is off (set --provision-url and CLM_PROVISION_TOKEN)',
    );
    shutdown();
    expect(await exit).toBe(0);
  });
});
