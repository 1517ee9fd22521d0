import { describe, expect, it } from 'vitest';
import { ADMIN_NOW, seedPurchases, startAdmin, withFlash } from '../../test-support/admin.js';
import { FLASH_COOKIE, FLASH_TTL_MS } from './flash.js';

const NOTICE = '1 dead-lettered relay sent back to the queue';

// A Retry on the dashboard: its answer carries the notice for the next dashboard load.
async function retried() {
  const admin = await startAdmin();
  await seedPurchases(admin.store, [{ customerId: 'c-1', at: ADMIN_NOW, outcome: 'dead' }]);
  const cookie = await admin.signIn();
  const res = await admin.postForm('/admin/relays/replay', { days: '7' }, { cookie });
  const flash = withFlash(res, cookie);
  const get = async (path: string, cookies = flash) => {
    const page = await fetch(`${admin.url}${path}`, { headers: { cookie: cookies } });
    return { text: await page.text(), setCookie: page.headers.getSetCookie().join('\n') };
  };
  const set = res.headers.getSetCookie().join('\n');
  return { ...admin, cookie, flash, set, get };
}

describe('one-time notices (admin/flash)', () => {
  it('are HttpOnly, SameSite=Strict cookies on /admin, shown once and then cleared', async () => {
    const { flash, set, get } = await retried();
    expect(flash).toMatch(new RegExp(`; ${FLASH_COOKIE}=[\\w-]+\\.[\\w-]{43}$`));
    expect(set).toMatch(/; Max-Age=60; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    const first = await get('/admin?days=7');
    expect(first.text).toContain(NOTICE);
    expect(first.setCookie).toMatch(new RegExp(`^${FLASH_COOKIE}=; Path=/admin; Expires=`));
  });

  it('wait for their own page: another page neither shows nor clears them', async () => {
    const { get } = await retried();
    const usage = await get('/admin/usage');
    expect(usage.text).not.toContain(NOTICE);
    expect(usage.setCookie).toBe('');
    expect((await get('/admin?days=7')).text).toContain(NOTICE);
  });

  it('show nothing when forged or expired', async () => {
    const { cookie, flash, get, clock } = await retried();
    const [payload = '', signature = ''] = (flash.split(`${FLASH_COOKIE}=`)[1] ?? '').split('.');
    const forged = `${cookie}; ${FLASH_COOKIE}=${payload}x.${signature}`;
    const answer = await get('/admin?days=7', forged);
    expect(answer.text).not.toContain(NOTICE);
    expect(answer.setCookie).toContain(`${FLASH_COOKIE}=;`);
    clock.time += FLASH_TTL_MS + 1;
    expect((await get('/admin?days=7')).text).not.toContain(NOTICE);
  });
});
