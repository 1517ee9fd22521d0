import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { runTrack } from './track.js';

// What `track` prints comes from the onramp (or whatever answers at ONRAMP_BASE_URL): a
// terminal must not obey escape sequences in it.
function io(answer: () => Promise<Response>) {
  const out = { stdout: '', stderr: '' };
  const cliIo: CliIo = {
    env: { ONRAMP_BASE_URL: 'http://onramp.test' },
    stdout: { write: (chunk: string) => (out.stdout += chunk) },
    stderr: { write: (chunk: string) => (out.stderr += chunk) },
    fetch: answer,
  };
  return { cliIo, out };
}

const args = {
  partnerKey: 'PK-1',
  serviceName: 'acme-crm',
  customerId: 'c',
  purchasedAt: undefined,
};

describe('runTrack output', () => {
  it('escapes control and invisible characters of the answer it prints', async () => {
    const body = '{"error":"\u001b[2J\u001b]0;owned\u0007 bad\r\nline\u202e"}';
    const { cliIo, out } = io(async () => new Response(body, { status: 400 }));
    expect(await runTrack(args, { timeoutMs: 1000 }, cliIo)).toBe(1);
    expect(out.stdout).toBe(
      'status: 400\nbody: {"error":"\\u001b[2J\\u001b]0;owned\\u0007 bad\\u000d\\u000aline\\u202e"}\n',
    );
  });

  it('escapes them in a network error too', async () => {
    const { cliIo, out } = io(async () => {
      throw new TypeError('fetch failed', { cause: new Error('bad \u001b[31mred') });
    });
    expect(await runTrack(args, { timeoutMs: 1000 }, cliIo)).toBe(1);
    expect(out.stderr).toContain('error: fetch failed: bad \\u001b[31mred\n');
  });

  it('prints ordinary text, accents and emoji as they are', async () => {
    const { cliIo, out } = io(async () => new Response('{"ok":"café 😀"}', { status: 200 }));
    expect(await runTrack(args, { timeoutMs: 1000 }, cliIo)).toBe(0);
    expect(out.stdout).toBe('status: 200\nbody: {"ok":"café 😀"}\n');
  });
});
