import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../test-support/http.js';
import { requireAdminToken } from './admin-token.js';

const TOKEN = 'admin-token-0123456789';

async function guarded(token: string | null) {
  const app = express();
  app.use('/admin', requireAdminToken(token), (_req, res) => {
    res.json({ ok: true });
  });
  const url = await listen(app);
  return (authorization?: string) =>
    fetch(`${url}/admin`, { headers: authorization ? { authorization } : {} });
}

describe('requireAdminToken', () => {
  it('lets the right bearer token through', async () => {
    const get = await guarded(TOKEN);
    const res = await get(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect((await get(`bearer  ${TOKEN}`)).status).toBe(200);
  });

  it.each([
    ['no header', undefined],
    ['a wrong token', 'Bearer admin-token-0123456788'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token plus more', `Bearer ${TOKEN}x`],
    ['basic auth', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
    ['the bare token', TOKEN],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 to %s', async (_name, header) => {
    const res = await (await guarded(TOKEN))(header);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.text()).not.toContain(TOKEN);
  });

  it('refuses everything when CLM_ADMIN_TOKEN is unset', async () => {
    const get = await guarded(null);
    expect((await get()).status).toBe(403);
    expect((await get('Bearer ')).status).toBe(403);
    expect((await get('Bearer null')).status).toBe(403);
  });
});
