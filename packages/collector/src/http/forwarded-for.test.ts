import { describe, expect, it } from 'vitest';
import { captureLogger } from '../test-support/chain.js';
import { startTestCollector } from '../test-support/collector.js';

const health = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/healthz`, { headers });

describe('X-Forwarded-For while proxies are not trusted', () => {
  it('warns once, on the first one, without the addresses', async () => {
    const logger = captureLogger();
    const { url } = await startTestCollector({ logger });
    await health(url);
    expect(logger.lines).toEqual([]);
    await health(url, { 'x-forwarded-for': '203.0.113.7' });
    await health(url, { 'x-forwarded-for': '203.0.113.8' });
    const warnings = logger.lines.filter((line) => line.includes('X-Forwarded-For'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[collector\] warn: .*CLM_TRUST_PROXY/);
    expect(warnings[0]).not.toContain('203.0.113');
  });

  it('says nothing when proxies are trusted', async () => {
    const logger = captureLogger();
    const { url } = await startTestCollector({ logger, trustProxy: ['loopback'] });
    await health(url, { 'x-forwarded-for': '203.0.113.7' });
    expect(logger.lines).toEqual([]);
  });
});
