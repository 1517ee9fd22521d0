import type { z } from 'zod';
import type { Relay, RelayRules } from '../store/outbox.js';
import { type Attempt, type Decision, decide, type RetryPolicy } from './policy.js';

/** Which marketplace API the calls are made on. */
export type MarketplaceApi = 'v2' | 'v1';

/** Where the marketplace takes each call (configured; see `config.ts`). */
export interface MarketplaceEndpoints {
  /** `${ONRAMP_BASE_URL}/api/SaasTrackings` */
  saasTrackings: string;
  /** `CLM_START_BILLING_URL` */
  startBilling: string;
  /** `CLM_USAGE_URL` */
  usage: string;
  /** `CLM_USAGE_END_URL` */
  usageEnd: string;
  /** v1: `CLM_UPDATE_SUBSCRIPTION_URL` */
  updateSubscription: string;
}

/** Stretches of time in which some calls are never made (the month-end blackout). */
export interface Pause {
  /** Stored on the rows that wait it out (`RelayRules.pause`). */
  name: string;
  /**
   * Its stretches a clock that differs from `now` (ms since the epoch) by minutes may be
   * in: the store judges on its own clock which one is on.
   */
  around(now: number): { start: number; end: number }[];
}

/**
 * How the outbox delivers a kind's calls (`RelayRules`, which each of its rows carries;
 * left out: sent until delivered, whenever due).
 */
export interface Delivery {
  /** Never sent while this pause is on. */
  pause?: Pause;
  /** Sent at most once: a call cut short is unconfirmed, for an operator to settle. */
  atMostOnce?: boolean;
  /** Ends its order's SKU: waits behind the SKU's other calls. */
  endsSku?: boolean;
  /** Pointless once its SKU's end is queued: superseded, never sent after the end. */
  supersededByEnd?: boolean;
}

/**
 * One kind of outbox relay: the body it sends (its schema, checked again before sending),
 * where, the key that makes it happen once, and what to do after each attempt.
 */
export interface RelayKindSpec<P, K extends string = string> {
  /** The name stored on its rows. */
  kind: K;
  /** The exact body; strict, so a stored payload with anything else is never sent. */
  payload: z.ZodType<P>;
  /**
   * The relay's identity within its kind: one relay per key, however often it is queued.
   * `period` is the billing period of a usage report.
   */
  dedupeKey(payload: P, period?: string | null): string;
  url(endpoints: MarketplaceEndpoints): string;
  /** The call as an operator reads it before sending it again (`/saas-usage/`). */
  call: string;
  /** The JSON text to send, when `JSON.stringify(payload)` is not it. */
  body?(payload: P, relay: Relay): string;
  /** Retry rule: what an attempt's result means for this kind. */
  decide(attempt: Attempt, policy: RetryPolicy): Decision;
  /**
   * From when a delivery is late (usage reports: their month's blackout start), or null;
   * the store judges the answer's time against it on its clock.
   */
  lateFrom?(relay: Relay): number | null;
  /** Its delivery rules; none: sent until delivered, whenever due. */
  delivery?: Delivery;
}

/** Every kind the worker sends, by the name stored on its rows (built in `relay-kinds.ts`). */
export type RelayKinds = Readonly<Record<string, RelayKindSpec<unknown>>>;

/** The rules a relay of `spec` is queued with. */
export function rulesOf(spec: Pick<RelayKindSpec<unknown>, 'delivery'>): RelayRules {
  const {
    pause,
    atMostOnce = false,
    endsSku = false,
    supersededByEnd = false,
  } = spec.delivery ?? {};
  return { pause: pause?.name ?? null, atMostOnce, endsSku, supersededByEnd };
}

/**
 * Calls that set state rather than add to a bill (SaasTrackings, `/start-billing/`,
 * `/saas-usage/end`): a repeat is harmless, so every transient failure is retried.
 */
export const retryUntilDelivered = decide;

/** The marketplace's endpoints under one base URL (the defaults, and the sandbox's). */
export function endpointsUnder(baseUrl: string): MarketplaceEndpoints {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    saasTrackings: `${base}/api/SaasTrackings`,
    startBilling: `${base}/start-billing/`,
    usage: `${base}/saas-usage/`,
    usageEnd: `${base}/saas-usage/end`,
    updateSubscription: `${base}/update-subscription/`,
  };
}
