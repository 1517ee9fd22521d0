import { join } from 'node:path';
import { type Config, loadConfig, type RelayConfig } from '../config.js';
import { tempDir } from './tmp.js';

/** Relay settings that make tests quick: short timeouts, backoff and polling. */
export const FAST_RELAY: RelayConfig = {
  timeoutMs: 300,
  maxAgeMs: 3_600_000,
  concurrency: 4,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  pollMs: 10,
  shutdownGraceMs: 500,
};

/**
 * A {@link Config} read from `env` the way `serve` reads it (a temporary database, port 0,
 * 127.0.0.1, partner key PK-1), with fast relay settings.
 */
export function testConfig(env: Record<string, string>, relay: Partial<RelayConfig> = {}): Config {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CLM_PARTNER_KEYS: 'PK-1',
    CLM_DB: join(tempDir(), 'c.sqlite'),
    ...env,
  });
  return { ...config, relay: { ...FAST_RELAY, ...relay } };
}
