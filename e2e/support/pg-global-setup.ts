import type { FullConfig } from '@playwright/test';

// Playwright's global setup (playwright.config.ts): one throwaway PostgreSQL cluster for the
// run (scripts/pg-cluster.mjs: Debian's binaries, 127.0.0.1, a random port, trust auth),
// whose superuser URL on the maintenance database reaches the tests as
// `process.env.CLM_TEST_PG_URL`: set here, in the runner, before it starts the workers,
// which inherit its environment. Each test creates a database of its own on it
// (support/postgres.ts). When CLM_TEST_PG_URL is already set, that server is used and
// nothing is started. The function returned is the global teardown: it stops the cluster
// and removes its files. Without PostgreSQL's binaries the run fails here, saying how to
// install them: the PostgreSQL specs are never skipped.

/** What scripts/pg-cluster.mjs exports (plain JS, loaded at run time). */
interface PgClusterModule {
  startPgCluster(options?: {
    log?: (message: string) => void;
  }): Promise<{ url: string; stop: () => Promise<void> }>;
}

const script = new URL('../../scripts/pg-cluster.mjs', import.meta.url).href;

export default async function globalSetup(
  _config: FullConfig,
): Promise<(() => Promise<void>) | void> {
  if (process.env.CLM_TEST_PG_URL) return;
  const { startPgCluster } = (await import(script)) as PgClusterModule;
  const started = Date.now();
  const cluster = await startPgCluster();
  console.log(
    `[pg] throwaway cluster for the e2e tests: ${cluster.url} (started in ${Date.now() - started} ms)`,
  );
  process.env.CLM_TEST_PG_URL = cluster.url;
  return async () => {
    delete process.env.CLM_TEST_PG_URL;
    const stopping = Date.now();
    await cluster.stop();
    console.log(`[pg] stopped the throwaway cluster (${Date.now() - stopping} ms)`);
  };
}
