import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startAdmin } from '../../test-support/admin.js';
import { SESSION_TTL_MS } from './session.js';

const get = (url: string, cookie?: string) =>
  fetch(`${url}/admin`, { headers: cookie ? { cookie } : {} });

describe('admin sign-in', () => {
  it('shows the sign-in form without a session, with secure headers', async () => {
    const { url } = await startAdmin();
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const page = await res.text();
    expect(page).toContain('<form method="post" action="/admin/login"');
    expect(page).toContain('type="password"');
    expect(page).not.toContain('Marketplace funnel');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie for the right token', async () => {
    const { url, postForm } = await startAdmin();
    const res = await postForm('/admin/login', { token: ADMIN_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
    const [cookie = ''] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^clm_admin=[\w.-]+; /);
    const flags = cookie.split('; ').slice(1);
    expect(flags).toEqual(
      expect.arrayContaining([
        `Max-Age=${SESSION_TTL_MS / 1000}`,
        'Path=/admin',
        'HttpOnly',
        'SameSite=Strict',
      ]),
    );
    expect(flags, 'not Secure over plain http').not.toContain('Secure');
    expect(cookie).not.toContain(ADMIN_TOKEN);

    const page = await (await get(url, cookie.split(';')[0])).text();
    expect(page).toContain('<h1>Marketplace funnel</h1>');
  });

  it('comes back to the page asked for after signing in, without a script', async () => {
    const { url, postForm } = await startAdmin();
    const asked = await fetch(`${url}/admin/orders`, { redirect: 'manual' });
    const signInPage = asked.headers.get('location') ?? '';
    expect(signInPage).toBe('/admin?next=%2Fadmin%2Forders');
    const form = await (await fetch(`${url}${signInPage}`)).text();
    expect(form).toContain('<input type="hidden" name="next" value="/admin/orders">');
    const wrong = await postForm('/admin/login', {
      token: 'wrong-token-000000',
      next: '/admin/orders',
    });
    expect(await wrong.text(), 'kept through a wrong token').toContain(
      'name="next" value="/admin/orders"',
    );
    const res = await postForm('/admin/login', { token: ADMIN_TOKEN, next: '/admin/orders' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/orders');
    const cookie = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const orders = await fetch(`${url}/admin/orders`, { headers: { cookie } });
    expect(await orders.text()).toContain('<h1>Orders</h1>');
    // Signed in already (another tab): the sign-in link goes straight on.
    const again = await fetch(`${url}${signInPage}`, { headers: { cookie }, redirect: 'manual' });
    expect([again.status, again.headers.get('location')]).toEqual([303, '/admin/orders']);
  });

  it('lands on /admin, never elsewhere, for a return path off the admin pages', async () => {
    const { url, postForm, signIn } = await startAdmin();
    const cookie = await signIn();
    for (const next of [
      '//evil.example',
      'https://evil.example/admin',
      '/admin/../x',
      '/\\evil.example',
      '/admin/%2e%2e/x',
      '/admin%2f..%2fx',
    ]) {
      const res = await postForm('/admin/login', { token: ADMIN_TOKEN, next });
      expect([res.status, res.headers.get('location')], next).toEqual([303, '/admin']);
      const form = await (await fetch(`${url}/admin?next=${encodeURIComponent(next)}`)).text();
      expect(form, next).not.toContain('name="next"');
      const signedIn = await fetch(`${url}/admin?next=${encodeURIComponent(next)}`, {
        headers: { cookie },
        redirect: 'manual',
      });
      expect(signedIn.status, next).toBe(200);
    }
  });

  it('returns to the page a form was sent from once a session that ended is renewed', async () => {
    const { url, postForm } = await startAdmin();
    const res = await postForm('/admin/relays/replay', {}, { referer: `${url}/admin?days=7` });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('<input type="hidden" name="next" value="/admin?days=7">');
  });

  it('marks the cookie Secure when the request came over https (trusted proxy)', async () => {
    const { postForm, url } = await startAdmin({ trustProxy: ['loopback'] });
    const res = await postForm(
      '/admin/login',
      { token: ADMIN_TOKEN },
      { 'x-forwarded-proto': 'https', origin: url.replace('http:', 'https:') },
    );
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()[0]?.split('; ')).toContain('Secure');
  });

  it('answers a wrong token with 401, a clear message and no cookie', async () => {
    const { postForm } = await startAdmin();
    for (const token of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(1), 'Bearer admin']) {
      const res = await postForm('/admin/login', { token });
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await res.text()).toContain('That is not the admin token');
    }
    const empty = await postForm('/admin/login', { token: '' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Enter the admin token');
  });

  it('refuses a sign-in or sign-out posted from another origin', async () => {
    const { postForm, signIn } = await startAdmin();
    for (const origin of ['https://evil.example', 'null']) {
      const res = await postForm('/admin/login', { token: ADMIN_TOKEN }, { origin });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const cookie = await signIn();
    const out = await postForm('/admin/logout', {}, { cookie, origin: 'https://evil.example' });
    expect(out.status).toBe(403);
    expect(out.headers.getSetCookie()).toEqual([]);
  });

  it('says why a sign-in from the https page behind an untrusted proxy is refused', async () => {
    const { postForm, url } = await startAdmin();
    const page = url.replace('http:', 'https:');
    const res = await postForm('/admin/login', { token: ADMIN_TOKEN }, { origin: page });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain(
      `it came from ${page}, but the collector sees its own address as ${url}`,
    );
    expect(text).toContain('set CLM_TRUST_PROXY');
    const none = await postForm('/admin/login', { token: ADMIN_TOKEN }, { origin: 'null' });
    expect(await none.text()).toContain('the browser sent no Origin or Referer');
  });

  it('limits wrong tokens per address to 10 a minute; the right one still signs in', async () => {
    const { postForm } = await startAdmin();
    const wrong = () => postForm('/admin/login', { token: 'wrong-token-000000' });
    for (let i = 0; i < 10; i++) expect((await wrong()).status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const limited = await wrong();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.headers.getSetCookie()).toEqual([]);
      expect(await limited.text()).toContain('Too many sign-in attempts');
    }
    // Someone guessing from the operator's address must not lock the operator out.
    const right = await postForm('/admin/login', { token: ADMIN_TOKEN });
    expect(right.status).toBe(303);
    expect(right.headers.getSetCookie()[0]).toMatch(/^clm_admin=/);
    expect((await wrong()).status).toBe(429);
  });

  it('does not count successful sign-ins against the limit', async () => {
    const { postForm } = await startAdmin();
    for (let i = 0; i < 12; i++)
      expect((await postForm('/admin/login', { token: ADMIN_TOKEN })).status).toBe(303);
  });

  it('refuses an oversized form without a 5xx', async () => {
    const { postForm } = await startAdmin();
    const res = await postForm('/admin/login', { token: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('request body too large');
  });

  it('ends the session at sign-out and after 8 hours', async () => {
    const { url, postForm, signIn, clock } = await startAdmin();
    const cookie = await signIn();
    const out = await postForm('/admin/logout', {}, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^clm_admin=; Path=\/admin; Expires=Thu, 01 Jan 1970/,
    );

    clock.time += SESSION_TTL_MS - 1000;
    expect(await (await get(url, cookie)).text()).toContain('Marketplace funnel');
    clock.time += 1000;
    expect(await (await get(url, cookie)).text()).toContain('action="/admin/login"');
  });

  it('does not accept a session signed with a previous admin token', async () => {
    const before = await startAdmin({ token: 'old-admin-token-0123456' });
    const cookie = await before.signIn();
    const after = await startAdmin();
    expect(await (await get(after.url, cookie)).text()).toContain('action="/admin/login"');
  });

  it('says admin is disabled (403) on every page when CLM_ADMIN_TOKEN is unset', async () => {
    const { url, postForm } = await startAdmin({ token: null });
    const page = await get(url);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Set CLM_ADMIN_TOKEN');
    expect((await postForm('/admin/login', { token: 'null' })).status).toBe(403);
    expect((await postForm('/admin/relays/replay', {})).status).toBe(403);
  });
});
