import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from './log.js';
import { type RunningCollector, startCollector } from './serve.js';
import { testConfig } from './test-support/config.js';

// Which of the modules a collector may do without were loaded (each mock records its first
// import and hands over the real module).
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('pg', async (real) => {
  loaded.add('pg');
  return real();
});
vi.mock('./admin/router.js', async (real) => {
  loaded.add('admin');
  return real();
});

let running: RunningCollector | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serveSqlite(env: Record<string, string> = {}) {
  running = await startCollector({
    config: testConfig({ ONRAMP_BASE_URL: 'http://127.0.0.1:9', ...env }),
    logger: silentLogger,
    pixelScript: null,
  });
  return running.url;
}

// Memory is part of what a provider pays for: a collector on SQLite holds neither
// node-postgres nor, until someone opens it, the admin dashboard.
describe('modules a collector loads at start', () => {
  it('serves on SQLite without loading node-postgres or the admin pages', async () => {
    const url = await serveSqlite();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect([...loaded]).toEqual([]);
  });

  it('loads the admin pages on the first request under /admin and answers it as before', async () => {
    const url = await serveSqlite();
    const disabled = await fetch(`${url}/admin/`);
    expect(disabled.status).toBe(403);
    expect(await disabled.text()).toContain('Admin is disabled');
    expect([...loaded]).toEqual(['admin']);

    const token = 'a-long-admin-token-0123456789';
    const enabledUrl = await (async () => {
      await running?.close();
      return serveSqlite({ CLM_ADMIN_TOKEN: token });
    })();
    const css = await fetch(`${enabledUrl}/admin/assets/admin.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(loaded.has('pg')).toBe(false);
  });
});
