import { writeFileSync } from 'node:fs';
import { test as base, expect } from '@playwright/test';
import { type CollectorProcess, startCollector } from './collector.js';
import { TOKENS } from './orders.js';
import { createDatabase } from './postgres.js';
import { FORWARD_SECRET, type Provider, startProvider } from './provider.js';
import { type Sandbox, startSandbox } from './sandbox.js';
import { startWire, type Wire } from './wire.js';

// Several collector processes on ONE PostgreSQL database (CLM_DB=postgres://…), from Node,
// no browser: the run's throwaway cluster (support/pg-global-setup.ts) holds a database of
// each test's own, created before its collectors start and dropped once they have stopped.

/** How a test starts one instance: at a faked instant, with more environment. */
export interface InstanceOptions {
  fakeTime?: string;
  env?: Record<string, string>;
}

interface TwoInstanceFixtures {
  /** The test's database on the run's cluster: its URL, the instances' CLM_DB. */
  database: string;
  sandbox: Sandbox;
  provider: Provider;
  /** In front of the sandbox's `/saas-usage/`: every report that reached the marketplace. */
  wire: Wire;
  /**
   * Starts one more instance on the test's database: tracking, provisioning, the provider
   * API and usage on (usage reports through the wire), every one stopped at the end.
   */
  launch: (options?: InstanceOptions) => Promise<CollectorProcess>;
}

export const test = base.extend<TwoInstanceFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  database: async ({}, use) => {
    const database = await createDatabase();
    await use(database.url);
    await database.drop();
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  sandbox: async ({}, use) => {
    const sandbox = await startSandbox();
    await use(sandbox);
    await sandbox.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  provider: async ({}, use) => {
    const provider = await startProvider();
    await use(provider);
    await provider.close();
  },
  wire: async ({ sandbox }, use) => {
    const wire = await startWire(sandbox.url);
    await use(wire);
    await wire.close();
  },
  launch: async ({ database, sandbox, provider, wire }, use, testInfo) => {
    const started: CollectorProcess[] = [];
    // The provider keeps the collectors' time (the forward's signature is dated): it
    // follows the faked clock of the latest start.
    const follow = (fakeTime: string | undefined) => {
      provider.clockOffsetMs = fakeTime === undefined ? 0 : Date.parse(fakeTime) - Date.now();
    };
    await use(async (options = {}) => {
      follow(options.fakeTime);
      const collector = await startCollector({
        onrampBaseUrl: sandbox.url,
        db: database,
        ...(options.fakeTime !== undefined && { fakeTime: options.fakeTime }),
        env: {
          CLM_ADMIN_TOKEN: TOKENS.admin,
          CLM_API_TOKEN: TOKENS.api,
          CLM_PROVISION_TOKEN: TOKENS.provision,
          CLM_PROVISION_FORWARD_URL: provider.url,
          CLM_PROVISION_FORWARD_SECRET: FORWARD_SECRET,
          CLM_USAGE_URL: `${wire.url}/saas-usage/`,
          CLM_RELAY_POLL_MS: '100',
          ...options.env,
        },
      });
      started.push(collector);
      const restart = collector.restart;
      collector.restart = (again) => {
        if (again?.fakeTime !== undefined) follow(again.fakeTime);
        return restart(again);
      };
      return collector;
    });
    for (const [i, collector] of started.entries()) {
      // Written to a file: the list reporter prints only the first 300 characters of a body.
      if (testInfo.status !== testInfo.expectedStatus) {
        const path = testInfo.outputPath(`instance-${i + 1}.log`);
        writeFileSync(path, collector.output());
        await testInfo.attach(`instance-${i + 1}.log`, { path, contentType: 'text/plain' });
      }
    }
    await Promise.all(started.map((collector) => collector.stop()));
  },
});

export { expect };

/** The value of a metric of an instance's `/metrics` (admin token), e.g. `clm_relays_pending`. */
export async function gauge(collector: CollectorProcess, name: string): Promise<number> {
  const res = await fetch(`${collector.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKENS.admin}` },
  });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}
