import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../test-support/chain.js';
import { createPageSites, siteOf } from './page-sites.js';

// What observe() reads of a request: its headers, and Express's hostname behind a proxy. A
// beacon the browser sent from another site, unless the headers say otherwise.
const beacon = (
  headers: Record<string, string | undefined>,
  hostname?: string,
): [IncomingMessage, () => string | undefined] => [
  { headers: { 'sec-fetch-site': 'cross-site', ...headers } } as unknown as IncomingMessage,
  () => hostname,
];

const watch = () => {
  const logger = captureLogger();
  const clock = { time: 1_000, now: () => clock.time };
  return { logger, clock, sites: createPageSites({ logger, clock }) };
};

describe('siteOf', () => {
  it('names the registrable domain from the public-suffix list, private suffixes included', () => {
    expect(siteOf('www.provider.example')).toBe('provider.example');
    expect(siteOf('collect.Provider.Example.')).toBe('provider.example');
    expect(siteOf('shop.example.co.uk')).toBe('example.co.uk');
    expect(siteOf('a.herokuapp.com')).toBe('a.herokuapp.com');
    expect(siteOf('127.0.0.1')).toBe('127.0.0.1');
    expect(siteOf('localhost')).toBe('localhost');
  });
});

describe('createPageSites', () => {
  it('is silent for pages on the collector’s own registrable domain', () => {
    const { logger, sites } = watch();
    sites.observe(
      ...beacon({ origin: 'https://www.provider.example', host: 'collect.provider.example' }),
    );
    expect(logger.lines).toEqual([]);
    expect(sites.crossSite()).toEqual([]);
  });

  it('warns once per page site, and counts every beacon for the dashboard', () => {
    const { logger, clock, sites } = watch();
    const page = { origin: 'https://www.provider.example', host: 'provider-analytics.com' };
    sites.observe(...beacon(page));
    clock.time = 5_000;
    sites.observe(...beacon(page));
    sites.observe(...beacon({ ...page, origin: 'https://app.provider.example' }));
    sites.observe(...beacon({ origin: 'https://a.herokuapp.com', host: 'b.herokuapp.com' }));
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^\[collector\] warn: beacons from pages on provider\.example, another site than this collector's provider-analytics\.com: blocklists .*\$ping,third-party/,
      ),
      expect.stringContaining('beacons from pages on a.herokuapp.com'),
    ]);
    expect(sites.crossSite()).toEqual([
      {
        pageSite: 'provider.example',
        collectorSite: 'provider-analytics.com',
        firstSeen: 1_000,
        lastSeen: 5_000,
        beacons: 3,
      },
      expect.objectContaining({ pageSite: 'a.herokuapp.com', collectorSite: 'b.herokuapp.com' }),
    ]);
  });

  it('keeps the domain of a Referer, never its URL', () => {
    const { logger, sites } = watch();
    sites.observe(
      ...beacon({
        referer: 'https://www.shop.example/signup/done?email=jane%40mail.example',
        host: 'collect.provider.example',
      }),
    );
    expect(logger.lines.join('\n')).not.toMatch(/signup|jane|email/);
    expect(sites.crossSite().map((p) => p.pageSite)).toEqual(['shop.example']);
  });

  it("takes the collector's host from X-Forwarded-Host as Express reads it", () => {
    const { sites } = watch();
    const headers = { origin: 'https://www.provider.example', host: 'collector.internal.test' };
    sites.observe(...beacon({ ...headers, 'x-forwarded-host': 'x' }, 'collect.provider.example'));
    expect(sites.crossSite()).toEqual([]);
    sites.observe(...beacon(headers));
    expect(sites.crossSite().map((p) => p.collectorSite)).toEqual(['internal.test']);
  });

  it('counts only what the browser itself calls cross-site', () => {
    const { logger, sites } = watch();
    const page = { origin: 'https://www.provider.example', host: 'provider-analytics.com' };
    // same-site: a proxy in front may have rewritten Host; none or no header: not a page's
    // fetch or beacon (a client that is not a browser sends none).
    for (const site of ['same-origin', 'same-site', 'none', undefined])
      sites.observe(...beacon({ ...page, 'sec-fetch-site': site }));
    expect(logger.lines).toEqual([]);
    expect(sites.crossSite()).toEqual([]);
    sites.observe(...beacon(page));
    expect(sites.crossSite()).toEqual([expect.objectContaining({ beacons: 1 })]);
    expect(logger.lines).toEqual([
      expect.stringContaining('beacons from pages on provider.example'),
    ]);
  });

  it('compares nothing, and says so once, when its host has no registrable domain', () => {
    const { logger, sites } = watch();
    // Behind a proxy that does not pass Host on: Kubernetes services, nginx's default.
    for (const host of ['127.0.0.1:8080', 'collector', 'COLLECTOR.', '[::1]:3000', 'localhost'])
      for (const origin of ['https://www.provider.example', 'https://shop.example'])
        sites.observe(...beacon({ origin, host }));
    expect(sites.crossSite()).toEqual([]);
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^\[collector\] warn: cannot tell whether beacons come from pages on another site: this collector's host "127\.0\.0\.1" has no registrable domain .*proxy_set_header Host/,
      ),
    ]);
    // A page on an IP address is still compared with a collector's domain.
    sites.observe(...beacon({ origin: 'http://127.0.0.1:3000', host: 'collect.provider.example' }));
    expect(sites.crossSite().map((p) => p.pageSite)).toEqual(['127.0.0.1']);
  });

  it('ignores beacons whose page it cannot tell, and bounds what it keeps', () => {
    const { logger, sites } = watch();
    sites.observe(...beacon({ origin: 'null', host: 'collect.provider.example' }));
    sites.observe(...beacon({ host: 'collect.provider.example' }));
    for (let i = 0; i < 2000; i++)
      sites.observe(
        ...beacon({ origin: `https://site${i}.example`, host: 'collect.provider.example' }),
      );
    expect(sites.crossSite()).toHaveLength(20);
    expect(logger.lines).toHaveLength(20);
  });

  it('keeps nothing from clients that do not say they are a browser on another site', () => {
    const { logger, sites } = watch();
    for (let i = 0; i < 100; i++)
      sites.observe(
        ...beacon({
          origin: `https://forged${i}.example`,
          host: 'collect.provider.example',
          'sec-fetch-site': undefined,
        }),
      );
    expect(sites.crossSite()).toEqual([]);
    expect(logger.lines).toEqual([]);
  });
});
