import type pg from 'pg';
import type { UsageStore } from '../usage.js';
import { postgresUsageLines } from './usage-lines.js';
import { postgresUsagePeriods } from './usage-periods.js';
import { recordUsage } from './usage-record.js';
import { postgresUsageReports } from './usage-reports.js';

/**
 * {@link UsageStore} on PostgreSQL, by what its methods do: recording events
 * (usage-record), closing periods, reading lines, and an operator's actions on reports.
 */
export function postgresUsage(pool: pg.Pool): UsageStore {
  return {
    recordUsage: (events) => recordUsage(pool, events),
    ...postgresUsagePeriods(pool),
    ...postgresUsageLines(pool),
    ...postgresUsageReports(pool),
  };
}
