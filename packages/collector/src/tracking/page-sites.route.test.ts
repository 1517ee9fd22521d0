import { describe, expect, it } from 'vitest';
import { startAdmin } from '../test-support/admin.js';
import { postBeacon } from '../test-support/beacons.js';
import { captureLogger } from '../test-support/chain.js';

const send = (url: string, headers: Record<string, string>, key = 'PK-1') =>
  postBeacon(
    url,
    { type: 'visit', key, ref: { id: 'R1', at: 1_700_000_000_000 }, time: 1_700_000_000_500 },
    { 'content-type': 'text/plain;charset=UTF-8', ...headers },
  );

// A browser's beacon from another site, to the collector behind a proxy on loopback that
// passes the host on.
const crossSite = {
  'sec-fetch-site': 'cross-site',
  'x-forwarded-host': 'collect.provider-analytics.com',
};

describe('beacons from pages on another site than the collector', () => {
  it('are accepted, logged once per page site, and shown on the dashboard by domain only', async () => {
    const logger = captureLogger();
    const admin = await startAdmin({ logger, trustProxy: ['loopback'] });
    const page = 'https://www.shop.example/signup?email=jane%40mail.example';
    for (let i = 0; i < 3; i++) {
      const headers = { ...crossSite, origin: 'https://www.shop.example', referer: page };
      expect((await send(admin.url, headers)).status).toBe(204);
    }
    // Unknown keys are refused before the check: they neither count nor warn.
    const forged = { ...crossSite, origin: 'https://forged.example' };
    expect((await send(admin.url, forged, 'PK-X')).status).toBe(403);

    const warnings = logger.lines.filter((line) => line.includes('another site'));
    expect(warnings).toEqual([
      expect.stringContaining(
        "beacons from pages on shop.example, another site than this collector's provider-analytics.com",
      ),
    ]);
    const res = await fetch(`${admin.url}/admin`, { headers: { cookie: await admin.signIn() } });
    const text = await res.text();
    expect(text).toContain('data-cross-site');
    expect(text).toMatch(
      /<li data-page-site="shop\.example"><strong>shop\.example<\/strong> → this collector on <strong>provider-analytics\.com<\/strong>: 3 beacons/,
    );
    expect(text).not.toContain('forged.example');
    expect(text).not.toMatch(/signup|jane/);
  });

  it('leave the log and the dashboard quiet for pages on the collector’s own site', async () => {
    const logger = captureLogger();
    const admin = await startAdmin({ logger, trustProxy: ['loopback'] });
    const headers = { ...crossSite, origin: 'https://www.provider-analytics.com' };
    expect((await send(admin.url, headers)).status).toBe(204);
    expect(logger.lines.filter((line) => line.includes('another site'))).toEqual([]);
    const res = await fetch(`${admin.url}/admin`, { headers: { cookie: await admin.signIn() } });
    expect(await res.text()).not.toContain('data-cross-site');
  });

  it('raise no false alarm behind a proxy that sends its own Host, and say why once', async () => {
    const logger = captureLogger();
    const admin = await startAdmin({ logger });
    // The collector sees Host 127.0.0.1:<port> for pages on any domain.
    for (const origin of ['https://www.provider.example', 'https://app.provider.example']) {
      const headers = { origin, 'sec-fetch-site': 'cross-site' };
      expect((await send(admin.url, headers)).status).toBe(204);
    }
    expect(logger.lines.filter((line) => line.includes('another site'))).toEqual([
      expect.stringContaining('cannot tell whether beacons come from pages on another site'),
    ]);
    const res = await fetch(`${admin.url}/admin`, { headers: { cookie: await admin.signIn() } });
    expect(await res.text()).not.toContain('data-cross-site');
  });
});
