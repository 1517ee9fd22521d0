import type { UsageView } from '../admin/usage-data.js';

/** What `clm-collector usage --json` prints: what `/admin/api/usage` answers, and the file. */
export type UsageReport = { database: string } & UsageView;
