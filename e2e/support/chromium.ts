import type { LaunchOptions } from '@playwright/test';

// Debian's Chromium: Playwright's own browser download is not used.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How every spec launches Chromium, plus `args` a spec needs (host-resolver rules). */
export const chromiumLaunch = (args: string[] = []): LaunchOptions => ({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', ...args],
});
