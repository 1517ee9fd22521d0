import type { TestProject } from 'vitest/node';

// The collector project's global setup (vitest.config.ts): one throwaway PostgreSQL cluster
// for the whole run (scripts/pg-cluster.mjs), whose superuser URL on the maintenance
// database reaches the tests as `process.env.CLM_TEST_PG_URL` (and `inject('pgUrl')`). The
// tests create databases of their own on it. When CLM_TEST_PG_URL is already set, that
// server is used and nothing is started. Without PostgreSQL's binaries the run fails here,
// saying how to install them: the PostgreSQL tests are never skipped silently.
//
// Vitest runs this in its main process before it starts the workers, and builds each
// worker's environment from `process.env` at that point, so the variable set here reaches
// every test file.

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway cluster's superuser URL (the same as CLM_TEST_PG_URL). */
    pgUrl: string;
  }
}

/** What scripts/pg-cluster.mjs exports (plain JS, loaded at run time). */
interface PgClusterModule {
  startPgCluster(options?: {
    log?: (message: string) => void;
  }): Promise<{ url: string; stop: () => Promise<void> }>;
}

const script = new URL('../../../../scripts/pg-cluster.mjs', import.meta.url).href;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.CLM_TEST_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    return;
  }
  const { startPgCluster } = (await import(/* @vite-ignore */ script)) as PgClusterModule;
  const started = Date.now();
  const cluster = await startPgCluster();
  console.log(
    `[pg] throwaway cluster for the collector tests: ${cluster.url} (started in ${Date.now() - started} ms)`,
  );
  process.env.CLM_TEST_PG_URL = cluster.url;
  project.provide('pgUrl', cluster.url);
  return async () => {
    delete process.env.CLM_TEST_PG_URL;
    const stopping = Date.now();
    await cluster.stop();
    console.log(`[pg] stopped the throwaway cluster (${Date.now() - stopping} ms)`);
  };
}
