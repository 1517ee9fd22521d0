import { describe, expect, it } from 'vitest';
import { onrampStub, refusingUrl } from '../test-support/onramp-stub.js';
import type { CliIo } from './io.js';
import { runTrack } from './track.js';

// What `track` prints comes from the onramp (or whatever answers at ONRAMP_BASE_URL): a
// terminal must not obey escape sequences in it.
function io(onramp: string) {
  const out = { stdout: '', stderr: '' };
  const cliIo: CliIo = {
    env: { ONRAMP_BASE_URL: onramp },
    stdout: { write: (chunk: string) => (out.stdout += chunk) },
    stderr: { write: (chunk: string) => (out.stderr += chunk) },
  };
  return { cliIo, out };
}
const answering = async (status: number, body: string) =>
  io((await onrampStub({ status, body })).url);

const args = {
  partnerKey: 'PK-1',
  serviceName: 'acme-crm',
  customerId: 'c',
  purchasedAt: undefined,
};

describe('runTrack output', () => {
  it('escapes control and invisible characters of the answer it prints', async () => {
    const body = '{"error":"\u001b[2J\u001b]0;owned\u0007 bad\r\nline\u202e"}';
    const { cliIo, out } = await answering(400, body);
    expect(await runTrack(args, { timeoutMs: 1000 }, cliIo)).toBe(1);
    expect(out.stdout).toBe(
      'status: 400\nbody: {"error":"\\u001b[2J\\u001b]0;owned\\u0007 bad\\u000d\\u000aline\\u202e"}\n',
    );
  });

  it('says why when the onramp cannot be reached, and fails', async () => {
    const onramp = await refusingUrl();
    const { cliIo, out } = io(onramp);
    expect(await runTrack(args, { timeoutMs: 1000 }, cliIo)).toBe(1);
    expect(out.stderr).toContain(
      `error: fetch failed: connect ECONNREFUSED ${onramp.slice('http://'.length)}\n`,
    );
    expect(out.stdout).toBe('');
  });

  it('prints ordinary text, accents and emoji as they are', async () => {
    const { cliIo, out } = await answering(200, '{"ok":"café 😀"}');
    expect(await runTrack(args, { timeoutMs: 1000 }, cliIo)).toBe(0);
    expect(out.stdout).toBe('status: 200\nbody: {"ok":"café 😀"}\n');
  });
});
