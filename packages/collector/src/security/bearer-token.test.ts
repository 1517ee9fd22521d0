import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../test-support/http.js';
import { requireBearerToken } from './bearer-token.js';

const TOKEN = 'api-token-0123456789';

async function guarded(token: string | null) {
  const refused: number[] = [];
  const app = express();
  app.use(
    '/api',
    requireBearerToken(token, {
      disabled: 'API disabled: CLM_API_TOKEN is not set',
      required: 'API token required',
      onRefused: () => refused.push(1),
    }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  const url = await listen(app);
  const get = (authorization?: string) =>
    fetch(`${url}/api`, { headers: authorization ? { authorization } : {} });
  return { get, refused };
}

describe('requireBearerToken', () => {
  it('answers in the words it was given and reports each refusal', async () => {
    const { get, refused } = await guarded(TOKEN);
    const missing = await get();
    expect([missing.status, await missing.json()]).toEqual([401, { error: 'API token required' }]);
    expect((await get('Bearer api-token-0123456780')).status).toBe(401);
    const ok = await get(`Bearer ${TOKEN}`);
    expect([ok.status, ok.headers.get('cache-control')]).toEqual([200, 'no-store']);
    expect(refused).toHaveLength(2);
  });

  it('refuses everything with 403 when its token is unset', async () => {
    const { get, refused } = await guarded(null);
    const res = await get(`Bearer ${TOKEN}`);
    expect([res.status, await res.json()]).toEqual([
      403,
      { error: 'API disabled: CLM_API_TOKEN is not set' },
    ]);
    expect(refused).toHaveLength(1);
  });
});
