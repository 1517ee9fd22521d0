import express, { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { hasBody } from '../http/has-body.js';
import { requireAdminToken } from '../security/admin-token.js';
import { hasSession } from './auth/access.js';
import { isSameOrigin } from './auth/same-origin.js';
import type { AdminDeps } from './deps.js';
import { jsonErrors } from './errors.js';
import { loadOrders, modelsOf, ORDERS_SHOWN } from './orders-data.js';
import { limitParam, reasonOf, windowQuery } from './query.js';
import { replayDeadRelays } from './replay.js';
import { loadSummary } from './summary.js';
import { loadUsage } from './usage-data.js';
import { usageQuery } from './usage-query.js';
import { writeOffCalls } from './write-off.js';

const relaysQuery = z.object({
  status: z
    .enum(['pending', 'in_flight', 'delivered', 'dead', 'unconfirmed'], {
      error: 'status must be pending, in_flight, delivered, dead or unconfirmed',
    })
    .optional(),
  limit: limitParam(50),
});

const ordersQuery = z.object({ limit: limitParam(ORDERS_SHOWN) });

const ID_ERROR = 'ids must be an array of relay ids (positive whole numbers)';

const idList = z
  .array(z.number({ error: ID_ERROR }).int({ error: ID_ERROR }).positive({ error: ID_ERROR }), {
    error: ID_ERROR,
  })
  .max(1000, { error: 'ids may list at most 1000 relay ids' });

const replayBody = z.strictObject({
  ids: idList
    .min(1, { error: 'ids must list at least one relay id (leave it out to retry all)' })
    .optional(),
});

// No "all": a write-off names each call it gives up on.
const writeOffBody = z.strictObject({
  ids: idList.min(1, { error: 'ids must list the dead billing calls to write off' }),
});

/**
 * Lets a request through with `Authorization: Bearer <CLM_ADMIN_TOKEN>` or, from the
 * dashboard's own pages, the session cookie (then only same-origin for writes).
 */
function requireApiAccess(deps: AdminDeps): RequestHandler {
  const bearer = requireAdminToken(deps.token);
  const auth = { token: deps.token, clock: deps.clock };
  return (req, res, next) => {
    if (req.get('authorization') !== undefined || !hasSession(req, auth))
      return bearer(req, res, next);
    res.set('Cache-Control', 'no-store');
    if (req.method === 'GET' || req.method === 'HEAD' || isSameOrigin(req)) return next();
    res.status(403).json({ error: 'cross-origin request refused' });
  };
}

/**
 * `/api/summary`, `/api/relays`, `/api/relays/replay`, `/api/relays/write-off`,
 * `/api/orders` and `/api/usage`: the dashboard's data and actions as JSON.
 */
export function apiRouter(deps: AdminDeps): Router {
  const { store, clock } = deps;
  const router = Router();
  router.use(requireApiAccess(deps));

  router.get('/summary', async (req, res) => {
    const query = windowQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: reasonOf(query.error) });
    res.json(await loadSummary(store, clock.now(), query.data.days));
  });

  router.get('/relays', async (req, res) => {
    const query = relaysQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: reasonOf(query.error) });
    const { status, limit } = query.data;
    res.json({ relays: await store.listRelays({ limit, ...(status && { status }) }) });
  });

  router.get('/orders', async (req, res) => {
    const query = ordersQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: reasonOf(query.error) });
    const billing = { billing: modelsOf(deps), now: clock.now() };
    res.json(await loadOrders(store, billing, { orders: query.data.limit }));
  });

  router.get('/usage', async (req, res) => {
    const query = usageQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ error: reasonOf(query.error) });
    res.json(await loadUsage(store, deps.calendar, clock.now(), query.data.period));
  });

  router.post('/relays/replay', express.json({ limit: '16kb' }), async (req, res) => {
    // No body, or one of another type, would otherwise read as "no ids": retry all. That
    // has to be asked for with an explicit {}.
    if (!hasBody(req))
      return void res.status(400).json({
        error: 'body required: {"ids": [...]} for those relays, or {} for every dead letter',
      });
    if (req.is('application/json') === false)
      return void res.status(415).json({ error: 'Content-Type must be application/json' });
    const body = replayBody.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json({ error: reasonOf(body.error) });
    res.json({ replayed: await replayDeadRelays(deps, body.data.ids) });
  });

  router.post('/relays/write-off', express.json({ limit: '16kb' }), async (req, res) => {
    if (!hasBody(req)) return void res.status(400).json({ error: 'body required: {"ids": [...]}' });
    if (req.is('application/json') === false)
      return void res.status(415).json({ error: 'Content-Type must be application/json' });
    const body = writeOffBody.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json({ error: reasonOf(body.error) });
    const ids = [...new Set(body.data.ids)];
    const written = await writeOffCalls(deps, ids);
    res.json({ writtenOff: written, left: ids.filter((id) => !written.includes(id)) });
  });

  router.use(jsonErrors(deps.logger));
  return router;
}
