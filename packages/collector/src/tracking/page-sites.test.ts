import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../test-support/chain.js';
import { createPageSites, siteOf } from './page-sites.js';

// What observe() reads of a request: its headers, and Express's hostname behind a proxy.
const beacon = (headers: Record<string, string>, hostname?: string) =>
  ({ headers, hostname }) as unknown as Request;

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
      beacon({ origin: 'https://www.provider.example', host: 'collect.provider.example' }),
    );
    sites.observe(beacon({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:8080' }));
    expect(logger.lines).toEqual([]);
    expect(sites.crossSite()).toEqual([]);
  });

  it('warns once per page site, and counts every beacon for the dashboard', () => {
    const { logger, clock, sites } = watch();
    const page = { origin: 'https://www.provider.example', host: 'provider-analytics.com' };
    sites.observe(beacon(page));
    clock.time = 5_000;
    sites.observe(beacon(page));
    sites.observe(beacon({ ...page, origin: 'https://app.provider.example' }));
    sites.observe(beacon({ origin: 'https://a.herokuapp.com', host: 'b.herokuapp.com' }));
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
      beacon({
        referer: 'https://www.shop.example/signup/done?email=jane%40mail.example',
        host: 'collect.provider.example',
      }),
    );
    expect(logger.lines.join('\n')).not.toMatch(/signup|jane|email/);
    expect(sites.crossSite().map((p) => p.pageSite)).toEqual(['shop.example']);
  });

  it("takes the collector's host from X-Forwarded-Host as Express reads it", () => {
    const { sites } = watch();
    const headers = { origin: 'https://www.provider.example', host: '10.0.0.5:8080' };
    sites.observe(beacon({ ...headers, 'x-forwarded-host': 'x' }, 'collect.provider.example'));
    expect(sites.crossSite()).toEqual([]);
    sites.observe(beacon(headers));
    expect(sites.crossSite().map((p) => p.collectorSite)).toEqual(['10.0.0.5']);
  });

  it('ignores beacons whose page it cannot tell, and bounds what it keeps', () => {
    const { logger, sites } = watch();
    sites.observe(beacon({ origin: 'null', host: 'collect.provider.example' }));
    sites.observe(beacon({ host: 'collect.provider.example' }));
    for (let i = 0; i < 2000; i++)
      sites.observe(
        beacon({ origin: `https://site${i}.example`, host: 'collect.provider.example' }),
      );
    expect(sites.crossSite()).toHaveLength(20);
    expect(logger.lines).toHaveLength(20);
  });
});
