import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './support/chromium.js';

export default defineConfig({
  testDir: './tests',
  // A throwaway PostgreSQL cluster for the run (CLM_TEST_PG_URL); stopped when it ends.
  globalSetup: './support/pg-global-setup.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunch(),
  },
});
