import { describe, expect, it } from 'vitest';
import { startAdmin } from '../test-support/admin.js';
import { startUsageAdmin } from '../test-support/usage-admin.js';

const dashboard = async (admin: { url: string; signIn: () => Promise<string> }) => {
  const res = await fetch(`${admin.url}/admin`, { headers: { cookie: await admin.signIn() } });
  return res.text();
};

describe('money in doubt on the dashboard', () => {
  it('comes first, above the totals, with counts, sums and what to do', async () => {
    const admin = await startUsageAdmin();
    const page = await dashboard(admin);
    const alert = /<section class="alert money-in-doubt"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(page.indexOf('data-money-in-doubt="2"')).toBeGreaterThan(page.indexOf('<main>'));
    expect(page.indexOf('data-money-in-doubt')).toBeLessThan(page.indexOf('class="kpis"'));
    expect(alert).toContain('<h2>Money in doubt: 2 billing calls</h2>');
    expect(alert).toContain('1 usage report unconfirmed, 1 usage report dead.');
    expect(alert).toContain(
      'Usage in doubt: <strong data-doubt-sums>SKU-A 12.5 (1 report), SKU-B 12.5 (1 report)</strong>',
    );
    const unconfirmed = admin.ids['2026-06 ord-a SKU-A'];
    const dead = admin.ids['2026-06 ord-a SKU-B'];
    expect(alert).toMatch(
      new RegExp(
        `<li data-doubt-id="${unconfirmed}" data-state="unconfirmed">.*Confirm \\(billed\\) or Resend \\(not billed\\) on the <a href="/admin/usage\\?period=2026-06">Usage page</a>, or <code>clm-collector usage confirm\\|resend ${unconfirmed}</code>`,
      ),
    );
    expect(alert).toMatch(
      new RegExp(
        `<li data-doubt-id="${dead}" data-state="dead">.*count 12\\.5: refused, not billed: .*<code>clm-collector usage resend ${dead}</code>`,
      ),
    );
  });

  it('is absent when no money is in doubt', async () => {
    const admin = await startAdmin();
    expect(await dashboard(admin)).not.toContain('money-in-doubt');
  });
});
