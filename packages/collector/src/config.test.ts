import express from 'express';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadBillingCalendar,
  loadConfig,
  loadLogConfig,
  loadOnrampBaseUrl,
} from './config.js';

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
      dbPoolSize: 10,
      adminToken: null,
      apiToken: null,
      serviceName: null,
      serviceNames: [],
      beaconPurchases: 'relay',
      readyMaxPendingSeconds: 0,
      rateLimitPerMinute: 600,
      purchaseRateLimitPerMinute: 6000,
      trustProxy: false,
      relay: {
        timeoutMs: 60_000,
        maxAgeMs: 72 * 3_600_000,
        concurrency: 4,
        backoffBaseMs: 1000,
        backoffMaxMs: 600_000,
        pollMs: 500,
        shutdownGraceMs: 5000,
      },
      marketplace: {
        providerKey: null,
        endpoints: {
          saasTrackings: 'https://onramp.example/api/SaasTrackings',
          startBilling: 'https://onramp.example/start-billing/',
          usage: 'https://onramp.example/saas-usage/',
          usageEnd: 'https://onramp.example/saas-usage/end',
          updateSubscription: 'https://onramp.example/update-subscription/',
        },
        provisionToken: null,
        forwardUrl: null,
        forwardSecret: null,
        forwardTimeoutMs: 20_000,
        api: 'v2',
        v1Skus: [],
        skuBilling: new Map(),
      },
      billing: { zone: 'America/Chicago', closeAt: { hour: 14, minute: 0 } },
      log: { level: 'info', format: 'json' },
    });
  });

  it('reads the billing calendar', () => {
    const config = loadConfig({
      ...valid,
      CLM_BILLING_TZ: 'Europe/Berlin',
      CLM_USAGE_CLOSE_AT: '09:05',
    });
    expect(config.billing).toEqual({ zone: 'Europe/Berlin', closeAt: { hour: 9, minute: 5 } });
  });

  it.each([
    ['America/Chicago', '14:00'],
    ['America/Chicago', '15:30'],
    ['America/New_York', '14:00'],
    ['UTC', '14:00'],
    ['Europe/Berlin', '14:00'],
    ['America/Los_Angeles', '13:30'],
    ['Pacific/Honolulu', '10:30'],
  ])('accepts a close in %s at %s: on time in Chicago every month', (zone, close) => {
    const config = loadConfig({ ...valid, CLM_BILLING_TZ: zone, CLM_USAGE_CLOSE_AT: close });
    expect(config.billing.zone).toBe(zone);
  });

  it('refuses a late close for the usage commands too', () => {
    expect(() => loadBillingCalendar({ CLM_BILLING_TZ: 'America/Los_Angeles' })).toThrow(
      /closes \d{4}-\d\d at 16:00 Chicago time/,
    );
    expect(
      loadBillingCalendar({ CLM_BILLING_TZ: 'America/Los_Angeles', CLM_USAGE_CLOSE_AT: '13:30' }),
    ).toEqual({ zone: 'America/Los_Angeles', closeAt: { hour: 13, minute: 30 } });
  });

  it('reads the marketplace settings; the provider key defaults to the only partner key', () => {
    const config = loadConfig({
      ONRAMP_BASE_URL: 'https://onramp.example',
      CLM_PARTNER_KEYS: 'PK-1',
      CLM_START_BILLING_URL: 'https://billing.example/v2/start-billing/',
      CLM_PROVISION_TOKEN: 'provision-token-0123',
      CLM_PROVISION_FORWARD_URL: 'https://app.example/accounts',
      CLM_PROVISION_FORWARD_SECRET: 'forward-secret-0123',
      CLM_PROVISION_TIMEOUT_MS: '5000',
    });
    expect(config.marketplace).toEqual({
      providerKey: 'PK-1',
      endpoints: {
        saasTrackings: 'https://onramp.example/api/SaasTrackings',
        // Given whole: the trailing slash is the marketplace's.
        startBilling: 'https://billing.example/v2/start-billing/',
        usage: 'https://onramp.example/saas-usage/',
        usageEnd: 'https://onramp.example/saas-usage/end',
        updateSubscription: 'https://onramp.example/update-subscription/',
      },
      provisionToken: 'provision-token-0123',
      forwardUrl: 'https://app.example/accounts',
      forwardSecret: 'forward-secret-0123',
      forwardTimeoutMs: 5000,
      api: 'v2',
      v1Skus: [],
      skuBilling: new Map(),
    });
    expect(loadConfig({ ...valid, CLM_PROVIDER_KEY: 'PROV-9' }).marketplace.providerKey).toBe(
      'PROV-9',
    );
  });

  it.each([
    [
      'a provisioning token without where to forward',
      { CLM_PROVISION_TOKEN: 'provision-token-0123' },
      /CLM_PROVISION_TOKEN is set, so CLM_PROVISION_FORWARD_URL and CLM_PROVISION_FORWARD_SECRET and CLM_PROVIDER_KEY \(CLM_PARTNER_KEYS lists more than one key\) must be set too/,
    ],
    [
      'a provisioning token equal to the admin token',
      { CLM_PROVISION_TOKEN: 'same-token-0123456', CLM_ADMIN_TOKEN: 'same-token-0123456' },
      /CLM_PROVISION_TOKEN must differ from CLM_ADMIN_TOKEN and CLM_API_TOKEN/,
    ],
    [
      'a short forward secret',
      { CLM_PROVISION_FORWARD_SECRET: 'short' },
      /CLM_PROVISION_FORWARD_SECRET must be at least 16/,
    ],
    [
      'a start-billing URL that is not http',
      { CLM_START_BILLING_URL: 'ftp://x/' },
      /CLM_START_BILLING_URL must be an http/,
    ],
    [
      'an unknown billing zone',
      { CLM_BILLING_TZ: 'America/Springfield' },
      /CLM_BILLING_TZ must be an IANA time zone/,
    ],
    [
      'a close at 15:31 in Chicago',
      { CLM_USAGE_CLOSE_AT: '15:31' },
      /CLM_USAGE_CLOSE_AT 15:31 in America\/Chicago closes \d{4}-\d\d at 15:31 Chicago time .*cutoff of 15:30 Chicago time.*a close at 15:30 or earlier works/,
    ],
    [
      'the default close in Los Angeles (16:00 in Chicago)',
      { CLM_BILLING_TZ: 'America/Los_Angeles' },
      /CLM_USAGE_CLOSE_AT 14:00 in America\/Los_Angeles closes \d{4}-\d\d at 16:00 Chicago time .*a close at 13:30 or earlier works/,
    ],
    [
      'the default close in Honolulu',
      { CLM_BILLING_TZ: 'Pacific/Honolulu' },
      /CLM_USAGE_CLOSE_AT 14:00 in Pacific\/Honolulu closes \d{4}-\d\d at 1[89]:00 Chicago time .*a close at 10:30 or earlier works/,
    ],
    [
      'a close that is not a time',
      { CLM_USAGE_CLOSE_AT: '2pm' },
      /CLM_USAGE_CLOSE_AT must be a time HH:MM/,
    ],
    [
      'an unknown API version',
      { CLM_MARKETPLACE_API: 'v3' },
      /CLM_MARKETPLACE_API must be one of v2, v1/,
    ],
  ])('refuses %s', (_name, env, message) => {
    expect(() => loadConfig({ ...valid, ...env })).toThrow(message);
  });

  it('logs pretty by default on a terminal, JSON elsewhere, unless CLM_LOG_FORMAT says', () => {
    expect(loadConfig(valid, { stdoutIsTty: true }).log.format).toBe('pretty');
    expect(loadConfig(valid, { stdoutIsTty: false }).log.format).toBe('json');
    const json = { ...valid, CLM_LOG_FORMAT: 'json' };
    expect(loadConfig(json, { stdoutIsTty: true }).log.format).toBe('json');
    const pretty = { ...valid, CLM_LOG_FORMAT: 'Pretty' };
    expect(loadConfig(pretty, { stdoutIsTty: false }).log.format).toBe('pretty');
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent', ' DEBUG '])(
    'reads CLM_LOG_LEVEL=%s',
    (level) => {
      expect(loadConfig({ ...valid, CLM_LOG_LEVEL: level }).log.level).toBe(
        level.trim().toLowerCase(),
      );
    },
  );

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
    [
      '::1, fc00::/7, 192.168.0.0/255.255.0.0, 203.0.113.9',
      ['::1', 'fc00::/7', '192.168.0.0/255.255.0.0', '203.0.113.9'],
    ],
  ])('reads CLM_TRUST_PROXY=%s, which Express accepts', (value, expected) => {
    const { trustProxy } = loadConfig({ ...valid, CLM_TRUST_PROXY: value });
    expect(trustProxy).toEqual(expected);
    // Express compiles the setting at once: what passes here must not fail when the app is built.
    expect(() => express().set('trust proxy', trustProxy)).not.toThrow();
  });

  it.each(['foo', '10.0.0.0/33', '10.0.0.1/8/1', 'fe80::/129', '10.0.0.0/255.0.0.256'])(
    'refuses CLM_TRUST_PROXY=%s naming the variable and the entry',
    (value) => {
      expect(() => loadConfig({ ...valid, CLM_TRUST_PROXY: value })).toThrow(
        `CLM_TRUST_PROXY must be false, true, a hop count or addresses/subnets (loopback, linklocal, uniquelocal); "${value}" is none of these`,
      );
      expect(() => express().set('trust proxy', [value])).toThrow();
    },
  );

  it('reads a PostgreSQL CLM_DB and CLM_DB_POOL_SIZE', () => {
    const url = 'postgresql://clm:s3cret%2F@db.internal:5432/clm?sslmode=require';
    const config = loadConfig({ ...valid, CLM_DB: url, CLM_DB_POOL_SIZE: '25' });
    expect(config.dbPath).toBe(url);
    expect(config.dbPoolSize).toBe(25);
    expect(loadConfig({ ...valid, CLM_DB_POOL_SIZE: '1' }).dbPoolSize).toBe(1);
    expect(loadConfig({ ...valid, CLM_DB_POOL_SIZE: '100' }).dbPoolSize).toBe(100);
  });

  it.each([
    ['0', 'CLM_DB_POOL_SIZE must be at least 1'],
    ['101', 'CLM_DB_POOL_SIZE must be at most 100'],
    ['ten', 'CLM_DB_POOL_SIZE must be a whole number'],
    ['2.5', 'CLM_DB_POOL_SIZE must be a whole number'],
  ])('refuses CLM_DB_POOL_SIZE=%s', (value, message) => {
    expect(() => loadConfig({ ...valid, CLM_DB_POOL_SIZE: value })).toThrow(
      `invalid configuration: ${message}`,
    );
  });

  it('refuses a PostgreSQL CLM_DB it cannot read without showing it', () => {
    const url = 'postgres://clm:pa/ss-s3cret@db.internal/clm';
    const error = (() => {
      try {
        loadConfig({ ...valid, CLM_DB: url });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/^invalid configuration: CLM_DB is not a valid PostgreSQL URL/);
    expect(error?.message).not.toContain('s3cret');
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
    // It is also the Bearer token of /metrics and /admin/api, which is one word.
    [{ ...valid, CLM_ADMIN_TOKEN: 'correct horse battery staple' }, 'CLM_ADMIN_TOKEN must not'],
    [{ ...valid, CLM_RATE_LIMIT_PER_MINUTE: '0' }, 'CLM_RATE_LIMIT_PER_MINUTE must be at least 1'],
    [{ ...valid, CLM_TRUST_PROXY: '*' }, 'CLM_TRUST_PROXY must be false, true'],
    [{ ...valid, CLM_RELAY_TIMEOUT_MS: '0' }, 'CLM_RELAY_TIMEOUT_MS must be at least 1'],
    [{ ...valid, CLM_RELAY_MAX_AGE_HOURS: '-1' }, 'CLM_RELAY_MAX_AGE_HOURS must be a whole number'],
    [{ ...valid, CLM_RELAY_CONCURRENCY: '1.5' }, 'CLM_RELAY_CONCURRENCY must be a whole number'],
    [{ ...valid, CLM_LOG_LEVEL: 'verbose' }, 'CLM_LOG_LEVEL must be one of fatal, error, warn'],
    [{ ...valid, CLM_LOG_FORMAT: 'text' }, 'CLM_LOG_FORMAT must be one of json, pretty'],
    [{ ...valid, CLM_API_TOKEN: 'short' }, 'CLM_API_TOKEN must be at least 16'],
    [{ ...valid, CLM_API_TOKEN: 'has a space in it, long' }, 'CLM_API_TOKEN must not contain'],
    [{ ...valid, CLM_SERVICE_NAME: 'acme crm' }, 'CLM_SERVICE_NAME must be 1-128 printable'],
    [{ ...valid, CLM_READY_MAX_PENDING_SECONDS: '-5' }, 'CLM_READY_MAX_PENDING_SECONDS must be'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the API and readiness variables', () => {
    const config = loadConfig({
      ...valid,
      CLM_API_TOKEN: 'api-token-0123456789',
      CLM_SERVICE_NAME: 'acme-crm',
      CLM_READY_MAX_PENDING_SECONDS: '3600',
    });
    expect(config).toMatchObject({
      apiToken: 'api-token-0123456789',
      serviceName: 'acme-crm',
      readyMaxPendingSeconds: 3600,
    });
  });

  it('reads the attribution settings (issue 12)', () => {
    const config = loadConfig({
      ...valid,
      CLM_API_TOKEN: 'api-token-0123456789',
      CLM_SERVICE_NAMES: ' acme-crm , acme-erp,',
      CLM_SERVICE_NAME: 'acme-erp',
      CLM_BEACON_PURCHASES: ' HOLD ',
      CLM_PURCHASE_RATE_LIMIT_PER_MINUTE: '50',
    });
    expect(config).toMatchObject({
      serviceNames: ['acme-crm', 'acme-erp'],
      serviceName: 'acme-erp',
      beaconPurchases: 'hold',
      purchaseRateLimitPerMinute: 50,
    });
  });

  it('gives purchases ten times the visit budget unless told otherwise', () => {
    const raised = loadConfig({ ...valid, CLM_RATE_LIMIT_PER_MINUTE: '100000' });
    expect(raised.purchaseRateLimitPerMinute).toBe(1_000_000);
  });

  it.each([
    [{ CLM_BEACON_PURCHASES: 'drop' }, 'CLM_BEACON_PURCHASES must be one of relay, hold'],
    [{ CLM_BEACON_PURCHASES: 'hold' }, 'CLM_BEACON_PURCHASES=hold needs CLM_API_TOKEN'],
    [{ CLM_SERVICE_NAMES: 'acme crm' }, 'CLM_SERVICE_NAMES each name must be 1-128 printable'],
    [
      { CLM_SERVICE_NAMES: 'acme-crm', CLM_SERVICE_NAME: 'acme-erp' },
      'CLM_SERVICE_NAME must be one of CLM_SERVICE_NAMES',
    ],
    [{ CLM_PURCHASE_RATE_LIMIT_PER_MINUTE: '0' }, 'CLM_PURCHASE_RATE_LIMIT_PER_MINUTE must be at'],
  ])('refuses attribution setting %j', (env, message) => {
    expect(() => loadConfig({ ...valid, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...valid, ...env })).toThrow(message);
  });

  it('refuses an API token that would also open the admin pages', () => {
    const env = {
      ...valid,
      CLM_API_TOKEN: 'same-token-0123456789',
      CLM_ADMIN_TOKEN: 'same-token-0123456789',
    };
    expect(() => loadConfig(env)).toThrow('CLM_API_TOKEN must differ from CLM_ADMIN_TOKEN');
  });

  it('names every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(
      /ONRAMP_BASE_URL.*PORT.*CLM_PARTNER_KEYS|ONRAMP_BASE_URL.*CLM_PARTNER_KEYS.*PORT/,
    );
  });
});

describe('loadLogConfig', () => {
  it('needs only the log variables', () => {
    expect(loadLogConfig({})).toEqual({ level: 'info', format: 'json' });
    expect(loadLogConfig({ CLM_LOG_LEVEL: 'debug' }, { stdoutIsTty: true })).toEqual({
      level: 'debug',
      format: 'pretty',
    });
    expect(() => loadLogConfig({ CLM_LOG_FORMAT: 'xml' })).toThrow(ConfigError);
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
