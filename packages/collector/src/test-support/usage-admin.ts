import { startAdmin } from './admin.js';
import { seedUsageScenario, USAGE_NOW } from './seed-usage.js';

/**
 * The admin app at {@link USAGE_NOW} over {@link seedUsageScenario}, signed in: helpers
 * to load the Usage page, post its forms (or post and confirm), and move the clock
 * (signing in again).
 */
export async function startUsageAdmin() {
  const admin = await startAdmin();
  admin.clock.time = USAGE_NOW;
  const ids = await seedUsageScenario(admin.store);
  let cookie = await admin.signIn();
  const page = async (query = '') => {
    const res = await fetch(`${admin.url}/admin/usage${query}`, { headers: { cookie } });
    return { status: res.status, text: await res.text() };
  };
  const post = (path: string, headers = {}) =>
    admin.postForm(`/admin/usage${path}`, {}, { cookie, ...headers });
  /** Posts `fields` to `path` (a confirm form's action) with the current session. */
  const send = (path: string, fields: Record<string, string | string[]>) =>
    admin.postForm(path, fields, { cookie });
  /** Posts a form that asks first, then presses its confirm page's button. */
  const confirmPost = async (path: string) =>
    (await admin.postConfirmed(`/admin/usage${path}`, {}, { cookie })).res;
  // A session ends after a while: moving the clock far needs a new one.
  const travel = async (to: string) => {
    admin.clock.time = Date.parse(to);
    cookie = await admin.signIn();
  };
  /** The Usage page an action's answer leads to, with the notice it set. */
  const after = (res: Response) => admin.follow(res, cookie);
  const unconfirmed = ids['2026-06 ord-a SKU-A'] as number;
  return { ...admin, ids, page, post, send, confirmPost, travel, after, unconfirmed };
}

/** Each usage line of a Usage page: `period id sku`, quantity, state text and buttons. */
export function usageRows(page: string) {
  return [
    ...page.matchAll(
      /<tr data-period="([^"]*)" data-provisioning-id="([^"]*)" data-sku="([^"]*)">([\s\S]*?)<\/tr>/g,
    ),
  ].map(([, period, id, sku, cells = '']) => [
    `${period} ${id} ${sku}`,
    /<td class="num quantity"[^>]*>([^<]*)</.exec(cells)?.[1],
    /<span class="report-state"[^>]*>([^<]*)</.exec(cells)?.[1],
    [...cells.matchAll(/<button type="submit">([^<]*)<\/button>/g)].map((m) => m[1]).join(','),
  ]);
}
