import type { Response } from 'express';
import { z } from 'zod';

/** How the sandbox answers `POST /api/SaasTrackings`. */
export const modeSchema = z.strictObject({
  mode: z.enum(['ok', 'fail', 'stall', 'reject', 'redirect', 'garbage']),
  /** Status of `fail` (default 503, 400-599) or `redirect` (default 307, 300-399) answers. */
  status: z.number().int().min(300).max(599).optional(),
  /** Where `redirect` answers point. Default: `http://127.0.0.1:9/api/SaasTrackings`. */
  location: z.url().optional(),
  /** Apply the mode to this many requests, then return to `ok`. Default: until changed. */
  count: z.number().int().min(1).optional(),
  /** `Retry-After` seconds sent with `fail` answers. */
  retryAfter: z.number().int().min(0).optional(),
});

/** A sandbox mode setting. */
export type ModeSetting = z.output<typeof modeSchema>;

/** One accepted SaasTracking call. */
export interface ReceivedCall {
  id: number;
  receivedAt: string;
  body: Record<string, unknown>;
}

/** Counters shown by `GET /_sandbox/stats`. */
export interface SandboxStats {
  accepted: number;
  rejected: number;
  failed: number;
  stalled: number;
}

/** Mutable state of one sandbox instance. */
export interface SandboxState {
  received: ReceivedCall[];
  stats: SandboxStats;
  mode: ModeSetting;
  /** Stalled requests, answered when the mode changes. */
  held: Set<Response>;
  nextId: number;
}

/** A fresh sandbox state. */
export function createSandboxState(): SandboxState {
  return {
    received: [],
    stats: { accepted: 0, rejected: 0, failed: 0, stalled: 0 },
    mode: { mode: 'ok' },
    held: new Set(),
    nextId: 1,
  };
}

/** Answers every stalled request (with 503, so a relay retries) and forgets them. */
export function releaseHeld(state: SandboxState): void {
  for (const res of state.held) {
    if (!res.headersSent) res.status(503).json({ error: 'sandbox stall ended' });
  }
  state.held.clear();
}

/** The mode for the next request, counting it down. */
export function takeMode(state: SandboxState): ModeSetting {
  const current = state.mode;
  if (current.count !== undefined) {
    state.mode = current.count > 1 ? { ...current, count: current.count - 1 } : { mode: 'ok' };
  }
  return current;
}
