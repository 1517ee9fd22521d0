import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadOnrampBaseUrl } from './config.js';

const valid = { ONRAMP_BASE_URL: 'https://onramp.example/', CLM_PARTNER_KEYS: 'PK-1, PK-2' };

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig(valid);
    expect(config).toEqual({
      onrampBaseUrl: 'https://onramp.example',
      port: 8080,
      host: '0.0.0.0',
      partnerKeys: ['PK-1', 'PK-2'],
      allowedOrigins: [],
      dbPath: './data/collector.sqlite',
      adminToken: null,
      rateLimitPerMinute: 600,
      trustProxy: false,
      relay: {
        timeoutMs: 10_000,
        maxAgeMs: 72 * 3_600_000,
        concurrency: 4,
        backoffBaseMs: 1000,
        backoffMaxMs: 600_000,
        pollMs: 500,
        shutdownGraceMs: 5000,
      },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...valid,
      PORT: '9000',
      HOST: '127.0.0.1',
      CLM_ALLOWED_ORIGINS: 'https://www.acme.example/, http://localhost:3000',
      CLM_DB: '/tmp/x.sqlite',
      CLM_ADMIN_TOKEN: 'a-long-enough-admin-token',
      CLM_RELAY_TIMEOUT_MS: '500',
      CLM_RELAY_MAX_AGE_HOURS: '1',
      CLM_RELAY_CONCURRENCY: '2',
    });
    expect(config.port).toBe(9000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.allowedOrigins).toEqual(['https://www.acme.example', 'http://localhost:3000']);
    expect(config.dbPath).toBe('/tmp/x.sqlite');
    expect(config.adminToken).toBe('a-long-enough-admin-token');
    expect(config.relay).toMatchObject({ timeoutMs: 500, maxAgeMs: 3_600_000, concurrency: 2 });
  });

  it.each([
    ['false', false],
    ['TRUE', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('reads CLM_TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ ...valid, CLM_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('reads CLM_RATE_LIMIT_PER_MINUTE', () => {
    expect(loadConfig({ ...valid, CLM_RATE_LIMIT_PER_MINUTE: '5' }).rateLimitPerMinute).toBe(5);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...valid, PORT: '', CLM_ALLOWED_ORIGINS: ' ' }).port).toBe(8080);
  });

  it.each([
    [{ CLM_PARTNER_KEYS: 'PK' }, 'ONRAMP_BASE_URL is required'],
    [{ ...valid, ONRAMP_BASE_URL: 'ftp://x.example' }, 'ONRAMP_BASE_URL must be an http'],
    [{ ...valid, ONRAMP_BASE_URL: 'not a url' }, 'ONRAMP_BASE_URL must be an http'],
    [{ ONRAMP_BASE_URL: 'http://x' }, 'CLM_PARTNER_KEYS is required'],
    [{ ...valid, CLM_PARTNER_KEYS: ' , ' }, 'CLM_PARTNER_KEYS must list at least one'],
    [{ ...valid, CLM_PARTNER_KEYS: ',,x y' }, 'CLM_PARTNER_KEYS keys must be'],
    [{ ...valid, PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ ...valid, PORT: '70000' }, 'PORT must be at most 65535'],
    [{ ...valid, CLM_ALLOWED_ORIGINS: 'https://a.example/path' }, 'CLM_ALLOWED_ORIGINS each entry'],
    [{ ...valid, CLM_ADMIN_TOKEN: 'short' }, 'CLM_ADMIN_TOKEN must be at least 16'],
    [{ ...valid, CLM_RATE_LIMIT_PER_MINUTE: '0' }, 'CLM_RATE_LIMIT_PER_MINUTE must be at least 1'],
    [{ ...valid, CLM_TRUST_PROXY: '*' }, 'CLM_TRUST_PROXY must be false, true'],
    [{ ...valid, CLM_RELAY_TIMEOUT_MS: '0' }, 'CLM_RELAY_TIMEOUT_MS must be at least 1'],
    [{ ...valid, CLM_RELAY_MAX_AGE_HOURS: '-1' }, 'CLM_RELAY_MAX_AGE_HOURS must be a whole number'],
    [{ ...valid, CLM_RELAY_CONCURRENCY: '1.5' }, 'CLM_RELAY_CONCURRENCY must be a whole number'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(
      /ONRAMP_BASE_URL.*PORT.*CLM_PARTNER_KEYS|ONRAMP_BASE_URL.*CLM_PARTNER_KEYS.*PORT/,
    );
  });
});

describe('loadOnrampBaseUrl', () => {
  it('needs only ONRAMP_BASE_URL', () => {
    expect(loadOnrampBaseUrl({ ONRAMP_BASE_URL: 'http://127.0.0.1:1/' })).toBe(
      'http://127.0.0.1:1',
    );
    expect(() => loadOnrampBaseUrl({})).toThrow('ONRAMP_BASE_URL is required');
  });
});
