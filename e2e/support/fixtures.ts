import { test as base, expect } from '@playwright/test';
import { type CollectorProcess, startCollector } from './collector.js';
import { type Sandbox, startSandbox } from './sandbox.js';
import { type PageSetup, type Site, startSite } from './site.js';

export const PROVIDER_KEY = 'PK-123';
export const SERVICE = 'acme-crm';

export const defaultSetup = (): PageSetup => ({
  attrs: { 'data-provider-key': PROVIDER_KEY, 'data-service': SERVICE },
});

export interface Fixtures {
  /** Extra environment of the collector process; set with `test.use({ collectorEnv })`. */
  collectorEnv: Record<string, string>;
  /**
   * The instant the collector's wall clock starts at (libfaketime; see `startCollector`);
   * set with `test.use({ collectorFakeTime })`. Default: the real clock.
   */
  collectorFakeTime: string | undefined;
  sandbox: Sandbox;
  collector: CollectorProcess;
  site: Site;
  pageErrors: Error[];
}

/**
 * Every test gets the whole chain on loopback: a sandbox onramp, a real collector process
 * with its own database, and a provider site on a different origin. A test fails if the
 * page throws anything.
 */
export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  sandbox: async ({}, use) => {
    const sandbox = await startSandbox();
    await use(sandbox);
    await sandbox.close();
  },
  collectorEnv: [{}, { option: true }],
  collectorFakeTime: [undefined, { option: true }],
  collector: async ({ sandbox, collectorEnv, collectorFakeTime }, use) => {
    const collector = await startCollector({
      onrampBaseUrl: sandbox.url,
      env: collectorEnv,
      ...(collectorFakeTime !== undefined && { fakeTime: collectorFakeTime }),
    });
    await use(collector);
    await collector.stop();
  },
  site: async ({ collector }, use) => {
    const site = await startSite(() => collector.url, defaultSetup());
    await use(site);
    await site.close();
  },
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on('pageerror', (error) => errors.push(error));
      await use(errors);
      expect(errors, 'errors thrown in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
