import type Database from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.js';
import type { UsageStore } from '../usage.js';
import { sqliteUsageLines } from './usage-lines.js';
import { sqliteUsagePeriods } from './usage-periods.js';
import { sqliteUsageRecording } from './usage-recording.js';
import { sqliteUsageReports } from './usage-reports.js';

/**
 * {@link UsageStore} on SQLite, by what its methods do: recording events, closing
 * periods, reading lines, and an operator's actions on reports. Every statement is
 * prepared here, at open, once.
 */
export function sqliteUsage(db: Database.Database, group: GroupCommit): UsageStore {
  // Recording and closing both read the latest closed period: one statement for both.
  const lastClosed = db.prepare('SELECT MAX(period) AS period FROM usage_periods');
  return {
    ...sqliteUsageRecording(db, group, lastClosed),
    ...sqliteUsagePeriods(db, group, lastClosed),
    ...sqliteUsageLines(db, group),
    ...sqliteUsageReports(db, group),
  };
}
