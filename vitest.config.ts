import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'pixel',
          root: 'packages/pixel',
          include: ['src/**/*.test.ts'],
          environment: 'happy-dom',
          restoreMocks: true,
          unstubGlobals: true,
        },
      },
      {
        test: {
          name: 'collector',
          root: 'packages/collector',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          restoreMocks: true,
          // A throwaway PostgreSQL cluster for the run: CLM_TEST_PG_URL (scripts/pg-cluster.mjs).
          globalSetup: ['src/test-support/pg-global-setup.ts'],
        },
      },
      {
        // The repository's own scripts (the container checks' configuration and parsing).
        test: { name: 'scripts', root: 'scripts', include: ['**/*.test.mjs'], environment: 'node' },
      },
    ],
  },
});
