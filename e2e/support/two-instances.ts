import { createDatabase } from './postgres.js';
import { test as usageTest } from './usage.js';

// Several collector processes on ONE PostgreSQL database (CLM_DB=postgres://…), from Node,
// no browser: the usage fixtures (sandbox, provider, wire, `launch`) with every collector's
// CLM_DB set to a database of the test's own on the run's throwaway cluster
// (support/pg-global-setup.ts), created before its collectors start and dropped once they
// have stopped.

export const test = usageTest.extend<{ database: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from this pattern.
  database: async ({}, use) => {
    const database = await createDatabase();
    await use(database.url);
    await database.drop();
  },
  collectorDb: async ({ database }, use) => use(database),
});

export { expect } from './usage.js';
