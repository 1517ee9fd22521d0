import { Router } from 'express';
import type { Clock } from '../clock.js';
import { jsonBodyErrors, readJsonText } from '../http/json-body.js';
import { fingerprint, type Logger } from '../log.js';
import { plural } from '../plural.js';
import { requireBearerToken } from '../security/bearer-token.js';
import type { UsageStore } from '../store/usage.js';
import { conflictAnswer } from './usage-conflict.js';
import { parseUsageRequest } from './usage-request.js';

/** Largest `POST /api/usage` body, in bytes (1,000 events fit). */
export const MAX_USAGE_BODY_BYTES = 512 * 1024;

/** Dependencies of {@link usageRouter}. */
export interface UsageRouteDeps {
  store: UsageStore;
  clock: Clock;
  logger: Logger;
  /** `CLM_API_TOKEN`; null disables the endpoint. */
  apiToken: string | null;
  /** `CLM_BILLING_TZ`: the zone events' periods are read in. */
  zone: string;
}

// A refused event: the status it is answered with, and why.
const REFUSALS = {
  'unknown-order': [404, 'no order with this provisioningId'],
  'unknown-sku': [400, 'productSku is not part of this order'],
  terminated: [409, 'productSku is terminated: its usage was reported with its end'],
} as const;

/**
 * `POST /api/usage` (bearer `CLM_API_TOKEN`): one usage event or an array of up to 1,000,
 * stored all or none; each answered with the period it counts in.
 */
export function usageRouter(deps: UsageRouteDeps): Router {
  const { store, clock, logger, zone } = deps;
  const body = {
    limit: MAX_USAGE_BODY_BYTES,
    missing: 'body required: a usage event or an array of them',
  };
  const router = Router();
  router.post(
    '/api/usage',
    requireBearerToken(deps.apiToken, {
      disabled: 'API disabled: CLM_API_TOKEN is not set',
      required: 'API token required',
    }),
    ...readJsonText(body),
    async (req, res) => {
      // One instant: an occurredAt ahead of receipt is stored as this receivedAt, which is
      // what a repeat of the event is compared with.
      const receivedAt = clock.now();
      const parsed = parseUsageRequest(req.body as string, receivedAt, zone);
      if (!parsed.ok) {
        res.status(400).json({ error: parsed.error });
        return;
      }
      const results = await store.recordUsage(
        parsed.events.map((event) => ({ ...event, receivedAt })),
      );
      const refused = results.find((result) => !('period' in result));
      if (refused?.result === 'conflict') {
        res.status(409).json(conflictAnswer(refused.eventId, refused.stored));
        return;
      }
      if (refused && refused.result in REFUSALS) {
        const [status, reason] = REFUSALS[refused.result as keyof typeof REFUSALS];
        res
          .status(status)
          .json({ error: `event ${refused.eventId}: ${reason}; nothing was stored` });
        return;
      }
      const recorded = results.filter((result) => result.result === 'recorded').length;
      const orders = new Set(parsed.events.map((event) => fingerprint(event.provisioningId)));
      logger.info(
        'usage',
        `${recorded} of ${plural(results.length, 'usage event')} recorded for ${orders.size === 1 ? 'order' : 'orders'} ${[...orders].join(', ')}`,
      );
      res.status(recorded > 0 ? 202 : 200).json({ events: results });
    },
  );
  router.use('/api/usage', jsonBodyErrors(body));
  return router;
}
