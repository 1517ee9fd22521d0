import type { IncomingMessage } from 'node:http';
import { getDomain } from 'tldts';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { getRequestOrigin } from './origin.js';

/** Beacons from pages on another registrable domain than the collector's host. */
export interface CrossSitePages {
  /** The pages' registrable domain (or host, for an IP address or `localhost`). */
  pageSite: string;
  /** The collector's, as the beacons addressed it. */
  collectorSite: string;
  /** Ms since the epoch. */
  firstSeen: number;
  lastSeen: number;
  beacons: number;
}

/** Which sites beacons come from, as far as it matters to blocklists. */
export interface PageSites {
  /**
   * Notes an accepted beacon's page and the host it was sent to; cheap on the hot path.
   * `hostname` is Express's `req.hostname`, asked for only behind a proxy that sets
   * `X-Forwarded-Host`.
   */
  observe(req: IncomingMessage, hostname: () => string | undefined): void;
  /** Every page site seen sending beacons across sites since the process started. */
  crossSite(): readonly CrossSitePages[];
}

// A bound on what an attacker writing Origin and Host headers can make this process keep.
const MAX_VERDICTS = 1000;
const MAX_CROSS_SITE = 20;

/**
 * A host's registrable domain from the public-suffix list, private suffixes included
 * (`a.herokuapp.com` and `b.herokuapp.com` are two sites, as browsers and blocklists see
 * them); the host itself for an IP address or a single label such as `localhost`.
 */
export function siteOf(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

// A Host header's name without its port (`[::1]:8080` → `[::1]`).
const withoutPort = (host: string) => {
  const colon = host.indexOf(':', host.startsWith('[') ? host.indexOf(']') : 0);
  return colon === -1 ? host : host.slice(0, colon);
};

/**
 * Tells when beacons come from pages on another registrable domain than the collector's
 * host: EasyPrivacy blocks such beacons (`$ping,third-party`) while the browser tells the
 * page they were sent. One warning per page site per process; the dashboard lists them.
 * The collector's host is the request's (`X-Forwarded-Host` where proxies are trusted).
 * Only domains are kept, never a page's URL.
 *
 * Only beacons the browser itself calls `Sec-Fetch-Site: cross-site` count: behind a proxy
 * that rewrites Host (to `127.0.0.1`, a service name) every page would otherwise look like
 * another site, and a client that is not a browser has to forge that header too. A host
 * without a registrable domain (an IP address, a single label) is never compared: it is
 * said once in the log instead.
 */
export function createPageSites(deps: { logger: Logger; clock: Clock }): PageSites {
  const { logger, clock } = deps;
  // Per Origin and Host header: most beacons are one lookup.
  const verdicts = new Map<string, CrossSitePages | null>();
  const crossSite = new Map<string, CrossSitePages>();
  let saidNoDomain = false;

  // Said once per process: a proxy that does not pass Host on gives every beacon this host.
  const sayNoDomain = (hostname: string) => {
    if (saidNoDomain) return;
    saidNoDomain = true;
    logger.warn(
      'collector',
      `cannot tell whether beacons come from pages on another site: this collector's host ${JSON.stringify(hostname.slice(0, 100))} has no registrable domain (an IP address or a single label); have the proxy pass Host on (nginx: proxy_set_header Host $host), or X-Forwarded-Host with CLM_TRUST_PROXY`,
    );
  };

  const judge = (origin: string, host: string): CrossSitePages | null => {
    const hostname = withoutPort(host).toLowerCase().replace(/\.$/, '');
    if (getDomain(hostname, { allowPrivateDomains: true }) === null) {
      sayNoDomain(hostname);
      return null;
    }
    const pageSite = siteOf(new URL(origin).hostname);
    const collectorSite = siteOf(hostname);
    const key = `${pageSite} ${collectorSite}`;
    if (pageSite === collectorSite) return null;
    const known = crossSite.get(key);
    if (known || crossSite.size >= MAX_CROSS_SITE) return known ?? null;
    const now = clock.now();
    const entry = { pageSite, collectorSite, firstSeen: now, lastSeen: now, beacons: 0 };
    crossSite.set(key, entry);
    logger.warn(
      'collector',
      `beacons from pages on ${pageSite}, another site than this collector's ${collectorSite}: blocklists (EasyPrivacy $ping,third-party) drop them while the page is told they were sent; serve the collector from a subdomain of ${pageSite}`,
      { pageSite, collectorSite },
    );
    return entry;
  };

  return {
    observe(req, hostname) {
      // The browser's word first: same-site, same-origin and none (or no header) never warn.
      if (req.headers['sec-fetch-site'] !== 'cross-site') return;
      const origin = getRequestOrigin(req);
      // Without X-Forwarded-Host the Host header is the host, trusted proxies or not.
      const host = req.headers['x-forwarded-host'] === undefined ? req.headers.host : hostname();
      if (origin === null || !host) return;
      const key = `${origin} ${host}`;
      let verdict = verdicts.get(key);
      if (verdict === undefined) {
        if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
        verdict = URL.canParse(origin) ? judge(origin, host) : null;
        verdicts.set(key, verdict);
      }
      if (verdict) {
        verdict.beacons++;
        verdict.lastSeen = clock.now();
      }
    },
    crossSite: () => [...crossSite.values()],
  };
}
