import { describe, expect, it } from 'vitest';
import { startCollector } from '../serve.js';
import { captureLogger } from '../test-support/chain.js';
import { testConfig } from '../test-support/config.js';
import { startupWarnings } from './startup-warnings.js';

const ORIGINS = ['https://www.acme.example'];

describe('startupWarnings', () => {
  it('names a missing origin allow-list', () => {
    expect(startupWarnings({ allowedOrigins: [], trustProxy: ['loopback'] })).toEqual([
      expect.stringMatching(/^CLM_ALLOWED_ORIGINS is not set: beacons are accepted from any page/),
    ]);
  });

  it('names CLM_TRUST_PROXY=true: any client can choose its address', () => {
    expect(startupWarnings({ allowedOrigins: ORIGINS, trustProxy: true })).toEqual([
      expect.stringMatching(/^CLM_TRUST_PROXY=true believes every X-Forwarded-For/),
    ]);
  });

  it('names untrusted proxies: behind one, every visitor shares one budget', () => {
    expect(startupWarnings({ allowedOrigins: ORIGINS, trustProxy: false })).toEqual([
      expect.stringMatching(/^CLM_TRUST_PROXY is not set/),
    ]);
  });

  it('is quiet for a collector set up with both', () => {
    expect(startupWarnings({ allowedOrigins: ORIGINS, trustProxy: 1 })).toEqual([]);
    expect(startupWarnings({ allowedOrigins: ORIGINS, trustProxy: ['10.0.0.0/8'] })).toEqual([]);
  });

  it('are logged when the collector starts', async () => {
    const logger = captureLogger();
    const running = await startCollector({
      config: testConfig({ ONRAMP_BASE_URL: 'http://127.0.0.1:9', CLM_TRUST_PROXY: 'true' }),
      logger,
      pixelScript: null,
    });
    await running.close();
    const warnings = logger.lines.filter((line) => line.startsWith('[collector] warn: '));
    expect(warnings).toEqual([
      expect.stringContaining('CLM_ALLOWED_ORIGINS is not set'),
      expect.stringContaining('CLM_TRUST_PROXY=true'),
    ]);
  });
});
