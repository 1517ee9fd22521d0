import { expect, type Page, type Request } from '@playwright/test';
import {
  type BeaconFields,
  beaconJson,
} from '../../packages/collector/src/test-support/beacons.js';

export { postBeacon } from '../../packages/collector/src/test-support/beacons.js';

import { PROVIDER_KEY, SERVICE } from './fixtures.js';

export interface SeenBeacon {
  request: Request;
  body: Record<string, unknown>;
}

const isBeacon = (collectorUrl: string) => (request: Request) =>
  request.url().startsWith(`${collectorUrl}/beacon`);

/**
 * Runs `action` and returns every request of the page that `matches` meanwhile. To know
 * that nothing else is still coming without sleeping, it ends with a sentinel request to
 * `origin` (its `/healthz`) issued after the action: any request the action queued was
 * dispatched before it. The page must be able to fetch `origin` (its CSP's connect-src).
 */
export async function requestsDuring(
  page: Page,
  origin: string,
  matches: (request: Request) => boolean,
  action: () => Promise<unknown>,
): Promise<Request[]> {
  const seen: Request[] = [];
  const onRequest = (request: Request) => {
    if (matches(request)) seen.push(request);
  };
  page.on('request', onRequest);
  try {
    await action();
    const sentinel = `${origin}/healthz?sentinel=${Date.now()}`;
    await Promise.all([
      page.waitForRequest(sentinel),
      page.evaluate((url) => fetch(url, { mode: 'no-cors' }).catch(() => {}), sentinel),
    ]);
  } finally {
    page.off('request', onRequest);
  }
  return seen;
}

/** Runs `action` and returns every beacon the page sent to the collector meanwhile. */
export async function beaconsDuring(
  page: Page,
  collectorUrl: string,
  action: () => Promise<unknown>,
): Promise<SeenBeacon[]> {
  const seen = await requestsDuring(page, collectorUrl, isBeacon(collectorUrl), action);
  return seen.map((request) => ({ request, body: JSON.parse(request.postData() ?? 'null') }));
}

/** Asserts the beacon went out as text/plain (no CORS preflight) with a JSON body. */
export function expectPlainTextBeacon(beacon: SeenBeacon | undefined): Record<string, unknown> {
  expect(beacon, 'a beacon was sent').toBeDefined();
  const { request, body } = beacon as SeenBeacon;
  expect(request.method()).toBe('POST');
  expect(request.headers()['content-type']).toMatch(/^text\/plain/);
  return body;
}

/**
 * A beacon's JSON as the pixel sends it to an e2e collector: by default a purchase for the
 * fixtures' provider key and service, sent now (the wire format is the collector's
 * test-support/beacons.ts, shared with its unit tests).
 */
export const e2eBeacon = (fields: BeaconFields = {}): string =>
  beaconJson({ key: PROVIDER_KEY, service: SERVICE, time: Date.now(), ...fields });

/** Waits until the pixel has replaced the stub with its API. */
export async function pixelReady(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof window.clmPixel?.referral === 'function');
}

declare global {
  interface Window {
    clmPixel?: {
      purchase: (id: unknown) => Promise<{ sent: boolean; reason?: string }> | undefined;
      referral?: () => { id: string } | null;
      q?: unknown[];
    };
  }
}
