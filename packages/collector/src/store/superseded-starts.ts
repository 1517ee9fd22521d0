import { NOT_KEPT, SUPERSEDED_PREFIX } from './kept-relays.js';

/**
 * Why a billing start was superseded: `/start-billing/` after `/saas-usage/end` would
 * restart billing the buyer ended, so once a SKU's end is queued its start never goes.
 */
export const SUPERSEDED_ERROR = `${SUPERSEDED_PREFIX}the SKU ended before its billing start was delivered`;

/** SQL over `relays`: the row's order and SKU have their end queued. */
export const END_QUEUED = `EXISTS (
  SELECT 1 FROM relays AS ended WHERE ended.ends_sku = 1
    AND ended.order_id = relays.order_id AND ended.sku = relays.sku)`;

/**
 * SQL over `relays` (the marketplace must never see a SKU's start after its end), by the
 * rules each row carries (store/outbox.ts RelayRules): an end waits for the SKU's other
 * relays still to go or unconfirmed (an operator's resend of a usage report must still
 * reach a SKU the marketplace has not ended), and for any being sent right now; one
 * superseded by the end never goes once the end is queued. One merely pending or dead is
 * superseded when the end is queued ({@link toSupersede}), so the end never waits on it;
 * one still pending was being claimed by another instance when the supersede skipped it
 * (PostgreSQL's SKIP LOCKED), and the end waits until that claim shows what it became.
 */
export const SKU_ORDER = `(ends_sku = 0 OR NOT EXISTS (
    SELECT 1 FROM relays AS before WHERE before.order_id = relays.order_id
      AND before.sku = relays.sku AND before.ends_sku = 0
      AND (before.status IN ('in_flight', 'pending') OR (before.superseded_by_end = 0
        AND before.status = 'unconfirmed'))))
  AND (superseded_by_end = 0 OR NOT ${END_QUEUED})`;

/**
 * SQL over `relays` (`now` SQL for the instant leases are compared with: a parameter's
 * placeholder, or PostgreSQL's own clock): a relay superseded by its SKU's end that could
 * still be sent (pending, dead but not kept, or in flight with its lease expired: its
 * sender is gone) while that end is queued. The first two terms match the partial index
 * `relays_open_supersedable` of both stores.
 */
export const toSupersede = (now: string) => `superseded_by_end = 1 AND status <> 'delivered'
  AND (status <> 'in_flight' OR lease_until <= ${now}) AND ${NOT_KEPT} AND ${END_QUEUED}`;

/** SQL: the SET of a superseded start, its last attempt's error kept after the reason. */
export const supersedeSet = (now: string) => `status = 'dead', lease_until = NULL,
  updated_at = ${now},
  last_error = '${SUPERSEDED_ERROR}' || COALESCE(' (last attempt: ' || last_error || ')', '')`;
