import { describe, expect, it } from 'vitest';
import { isPostgresUrl, redactDbUrl } from './db-location.js';

describe('CLM_DB locations', () => {
  it('tells a PostgreSQL URL from a SQLite path', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl('./data/collector.sqlite')).toBe(false);
    expect(isPostgresUrl('/var/lib/postgres://x')).toBe(false);
  });

  it('never shows a password', () => {
    const cases: [string, string][] = [
      ['postgres://clm:s3cret@db.internal:5432/clm', 'postgres://clm:***@db.internal:5432/clm'],
      ['postgresql://clm@db/clm', 'postgresql://clm@db/clm'],
      ['postgres://db/clm', 'postgres://db/clm'],
      ['postgres://clm:p@ss/w?rd#x@db/clm', 'postgres://clm:***@db/clm'],
      ['postgres://db/clm?password=s3cret&sslmode=require', 'postgres://db/clm'],
      ['postgres://db:5432/clm?password=se@cret', 'postgres://db:***@cret'],
      ['postgres://:s3cret@db/clm', 'postgres://:***@db/clm'],
      ['./data/collector.sqlite', './data/collector.sqlite'],
    ];
    for (const [url, shown] of cases) {
      expect(redactDbUrl(url)).toBe(shown);
      expect(redactDbUrl(url)).not.toMatch(/s3cret|se@cret|p@ss/);
    }
  });
});
