import { Router } from 'express';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

/** Dependencies of {@link healthRouter}. */
export interface HealthDeps {
  store: Pick<Store, 'ping' | 'oldestPendingSince'>;
  clock: Clock;
  logger: Logger;
  /** Not ready once the oldest pending relay has waited longer than this; 0 disables. */
  maxPendingSeconds: number;
}

/**
 * `GET /healthz` (process alive) and `GET /readyz` (store answers and, unless disabled,
 * no relay has been pending longer than the limit).
 */
export function healthRouter(deps: HealthDeps): Router {
  const { store, clock, logger, maxPendingSeconds } = deps;
  // Probes come every few seconds; log when the verdict changes, not on each one.
  let backlogged = false;
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    let since: number | null;
    try {
      await store.ping();
      since = maxPendingSeconds > 0 ? await store.oldestPendingSince() : null;
    } catch (error) {
      logger.error('collector', `readiness check failed: ${String(error)}`);
      res.status(503).json({ ok: false, error: 'store unavailable' });
      return;
    }
    const waited = since === null ? 0 : Math.floor((clock.now() - since) / 1000);
    if (maxPendingSeconds > 0 && waited > maxPendingSeconds) {
      const error = `oldest pending relay waited ${waited} s (limit ${maxPendingSeconds} s)`;
      if (!backlogged) logger.warn('collector', `not ready: ${error}`);
      backlogged = true;
      res.status(503).json({ ok: false, error });
      return;
    }
    if (backlogged) logger.info('collector', 'ready again: relay backlog cleared');
    backlogged = false;
    res.json({ ok: true });
  });
  return router;
}
