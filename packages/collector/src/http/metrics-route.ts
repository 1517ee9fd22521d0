import { Router } from 'express';
import type { Logger } from '../log.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { requireAdminToken } from '../security/admin-token.js';

/**
 * `GET /metrics`: Prometheus text format, behind the admin bearer token (the numbers are
 * the provider's business). 503 when the store cannot be read for the gauges.
 */
export function metricsRouter(deps: {
  metrics: CollectorMetrics;
  adminToken: string | null;
  logger: Logger;
}): Router {
  const { registry } = deps.metrics;
  const router = Router();
  router.get('/metrics', requireAdminToken(deps.adminToken), async (_req, res) => {
    let text: string;
    try {
      text = await registry.metrics();
    } catch (error) {
      deps.logger.error('collector', `collecting metrics failed: ${String(error)}`);
      res.status(503).json({ error: 'store unavailable' });
      return;
    }
    res.type(registry.contentType).send(text);
  });
  return router;
}
