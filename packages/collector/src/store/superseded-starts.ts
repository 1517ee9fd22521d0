import { NOT_KEPT, SUPERSEDED_PREFIX } from './kept-relays.js';

/**
 * Why a billing start was superseded: `/start-billing/` after `/saas-usage/end` would
 * restart billing the buyer ended, so once a SKU's end is queued its start never goes.
 */
export const SUPERSEDED_ERROR = `${SUPERSEDED_PREFIX}the SKU ended before its billing start was delivered`;

/** SQL over `relays`: the row's order and SKU have a `/saas-usage/end` queued. */
export const END_QUEUED = `EXISTS (
  SELECT 1 FROM relays AS ended WHERE ended.kind = 'usage_end'
    AND ended.order_id = relays.order_id AND ended.sku = relays.sku)`;

/**
 * SQL over `relays` (the marketplace must never see a SKU's start after its end): an end
 * waits for the SKU's usage reports still to go, or unconfirmed (an operator's resend must
 * still reach a SKU the marketplace has not ended), and for a start being sent right now;
 * a start never goes once the end is queued. A start merely pending or dead is superseded
 * when the end is queued ({@link toSupersede}), so the end never waits on its retries.
 */
export const SKU_ORDER = `(kind <> 'usage_end' OR NOT EXISTS (
    SELECT 1 FROM relays AS before WHERE before.order_id = relays.order_id
      AND before.sku = relays.sku
      AND ((before.kind = 'usage_report'
          AND before.status IN ('pending', 'in_flight', 'unconfirmed'))
        OR (before.kind = 'start_billing' AND before.status = 'in_flight'))))
  AND (kind <> 'start_billing' OR NOT ${END_QUEUED})`;

/**
 * SQL over `relays` (`now` SQL for the instant leases are compared with: a parameter's
 * placeholder, or PostgreSQL's own clock): a billing start that could still be
 * sent (pending, dead but not kept, or in flight with its lease expired: its sender is
 * gone) while its SKU's end is queued. The first two terms match the partial index
 * `relays_open_starts` of both stores.
 */
export const toSupersede = (now: string) => `kind = 'start_billing' AND status <> 'delivered'
  AND (status <> 'in_flight' OR lease_until <= ${now}) AND ${NOT_KEPT} AND ${END_QUEUED}`;

/** SQL: the SET of a superseded start, its last attempt's error kept after the reason. */
export const supersedeSet = (now: string) => `status = 'dead', lease_until = NULL,
  updated_at = ${now},
  last_error = '${SUPERSEDED_ERROR}' || COALESCE(' (last attempt: ' || last_error || ')', '')`;
