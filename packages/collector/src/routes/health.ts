import { Router } from 'express';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

/** `GET /healthz` (process alive) and `GET /readyz` (store answers). */
export function healthRouter(store: Store, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ ok: true });
    } catch (error) {
      logger.error('collector', `readiness check failed: ${String(error)}`);
      res.status(503).json({ ok: false, error: 'store unavailable' });
    }
  });
  return router;
}
