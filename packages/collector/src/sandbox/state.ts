import type { Response } from 'express';
import { z } from 'zod';
import type { Books } from './books.js';

/** The marketplace endpoints the sandbox implements, by the names modes and listings use. */
export const ENDPOINTS = [
  'SaasTrackings',
  'start-billing',
  'saas-usage',
  'saas-usage-end',
  'update-subscription',
] as const;

/** One of {@link ENDPOINTS}. */
export type Endpoint = (typeof ENDPOINTS)[number];

/** How the sandbox answers calls to its marketplace endpoints. */
export const modeSchema = z.strictObject({
  mode: z.enum(['ok', 'fail', 'stall', 'reject', 'redirect', 'garbage']),
  /** Status of `fail` (default 503, 400-599) or `redirect` (default 307, 300-399) answers. */
  status: z.number().int().min(300).max(599).optional(),
  /** Where `redirect` answers point. Default: the called path on `http://127.0.0.1:9`. */
  location: z.url().optional(),
  /** Apply the mode to this many requests, then return to `ok`. Default: until changed. */
  count: z.number().int().min(1).optional(),
  /** `Retry-After` seconds sent with `fail` answers. */
  retryAfter: z.number().int().min(0).optional(),
  /** Apply the mode to this endpoint only (others answer `ok`). Default: all of them. */
  endpoint: z.enum(ENDPOINTS).optional(),
});

/** A sandbox mode setting. */
export type ModeSetting = z.output<typeof modeSchema>;

/** One accepted SaasTracking call. */
export interface ReceivedCall {
  id: number;
  receivedAt: string;
  body: Record<string, unknown>;
}

/** One accepted call of any marketplace endpoint. */
export interface RecordedCall extends ReceivedCall {
  endpoint: Endpoint;
}

/**
 * One Buy attempt of the marketplace page: what was ordered and how the provider answered
 * (`status` null when it did not). Never the buyer's contact email or alias.
 */
export interface ProvisioningAttempt {
  provisioningId: string;
  productId: number;
  productSkus: string[];
  at: string;
  outcome: 'complete' | 'refused' | 'failed';
  status: number | null;
  customerId?: string;
  message?: string;
}

/** Counters shown by `GET /_sandbox/stats`, across endpoints. */
export interface SandboxStats {
  accepted: number;
  rejected: number;
  failed: number;
  stalled: number;
}

/** Mutable state of one sandbox instance. */
export interface SandboxState {
  /** Accepted SaasTrackings only (`GET /_sandbox/received`, kept for compatibility). */
  received: ReceivedCall[];
  /** Accepted calls of every endpoint, oldest first. */
  calls: RecordedCall[];
  provisionings: ProvisioningAttempt[];
  stats: SandboxStats;
  mode: ModeSetting;
  /** Stalled requests, answered when the mode changes. */
  held: Set<Response>;
  nextId: number;
  /** The marketplace's books: the provider key, the orders, their ledger. */
  books: Books;
}

/** What a sandbox keeps across a reset: its provider key, API, clock and product's SKUs. */
export type SandboxSetup = Omit<Books, 'orders'>;

/** A fresh sandbox state, its books empty. */
export function createSandboxState(setup: SandboxSetup): SandboxState {
  const { providerKey, api, clock, billing } = setup;
  return {
    books: { providerKey, api, clock, billing, orders: new Map() },
    received: [],
    calls: [],
    provisionings: [],
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

/**
 * The mode for the next request to `endpoint`, counting it down. A mode set for another
 * endpoint leaves this one `ok` and its count untouched.
 */
export function takeMode(state: SandboxState, endpoint: Endpoint): ModeSetting {
  const current = state.mode;
  if (current.endpoint !== undefined && current.endpoint !== endpoint) return { mode: 'ok' };
  if (current.count !== undefined) {
    state.mode = current.count > 1 ? { ...current, count: current.count - 1 } : { mode: 'ok' };
  }
  return current;
}

/** Records an accepted call received `at` and returns its id (one sequence across endpoints). */
export function recordCall(
  state: SandboxState,
  endpoint: Endpoint,
  body: Record<string, unknown>,
  at: number,
): number {
  const receivedAt = new Date(at).toISOString();
  const call = { id: state.nextId++, receivedAt, body };
  state.calls.push({ ...call, endpoint });
  if (endpoint === 'SaasTrackings') state.received.push(call);
  state.stats.accepted += 1;
  return call.id;
}
