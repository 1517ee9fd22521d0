import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { stringifyExact } from '../exact-json.js';
import { jsonBodyErrors, readJsonText } from '../http/json-body.js';
import { fingerprint, type Logger } from '../log.js';
import { provisioningIdSchema, skuListSchema } from '../order-ids.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import { requireBearerToken } from '../security/bearer-token.js';
import type { Order, OrdersStore } from '../store/orders.js';
import type { UsageStore } from '../store/usage.js';
import {
  NO_V1_BILLING_START,
  OrderConflict,
  pickSkus,
  type SkuAction,
  startBilling,
  terminate,
} from './billing.js';
import { type SkuBilling, skuBillingFor } from './billing-models.js';
import { defaultStartSkus, refuseSelfStarted } from './billing-start-rules.js';
import { describeOrder } from './subscription-view.js';

/** Largest provider API body accepted, in bytes. */
export const MAX_ORDER_API_BODY_BYTES = 16 * 1024;

/** Dependencies of {@link subscriptionsRouter}. */
export interface SubscriptionsDeps {
  store: OrdersStore & Pick<UsageStore, 'usageLines'>;
  clock: Clock;
  logger: Logger;
  /** `CLM_API_TOKEN`; null disables the provider API. */
  apiToken: string | null;
  /** Told after relays are queued, so the worker sends them at once. */
  onRelayQueued: () => void;
  /** The marketplace API in use; v1 has no billing start. Default v2. */
  api?: MarketplaceApi;
  /** Each SKU's billing model (`CLM_SKU_BILLING`). Default: every SKU manual (v1: immediate). */
  skuBilling?: SkuBilling;
}

const billingStartBody = z.strictObject(
  { provisioningId: provisioningIdSchema, productSkus: skuListSchema.optional() },
  { error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object' : undefined) },
);
const terminateBody = billingStartBody.omit({ provisioningId: true });

const fail = (res: Response, status: number, error: string) => {
  res.status(status).json({ error });
};

function parse<T>(schema: z.ZodType<T>, text: string): { data: T } | { error: string } {
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    return { error: 'body is not valid JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { data: result.data };
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { error: `${field}${issue?.message ?? 'invalid body'}` };
}

const actions = (skus: SkuAction[]) =>
  skus.map(({ sku, result, relay }) => ({
    sku,
    result,
    relayId: relay?.id ?? null,
    relayStatus: relay?.status ?? null,
  }));

/**
 * The provider API on orders (bearer `CLM_API_TOKEN`): `GET /api/subscriptions/:id`,
 * `POST /api/billing/start`, `POST /api/subscriptions/:id/terminate`.
 */
export function subscriptionsRouter(deps: SubscriptionsDeps): Router {
  const { store, clock, logger, onRelayQueued } = deps;
  const models = deps.skuBilling ?? skuBillingFor(deps.api ?? 'v2');
  const body = { limit: MAX_ORDER_API_BODY_BYTES, missing: 'body required: a JSON object' };
  const router = Router();
  router.use(
    ['/api/subscriptions', '/api/billing'],
    requireBearerToken(deps.apiToken, {
      disabled: 'API disabled: CLM_API_TOKEN is not set',
      required: 'API token required',
    }),
  );

  async function findOrder(id: string, res: Response): Promise<Order | null> {
    const valid = provisioningIdSchema.safeParse(id);
    if (!valid.success) {
      fail(res, 400, valid.error.issues[0]?.message ?? 'invalid provisioningId');
      return null;
    }
    const order = await store.getOrder(id);
    if (!order) fail(res, 404, 'no order with this provisioningId');
    return order;
  }

  // `choose` picks the SKUs acted on; it throws an OrderConflict to refuse the call.
  async function act(
    res: Response,
    order: Order,
    choose: (now: number) => string[],
    action: typeof startBilling,
    verb: string,
  ): Promise<void> {
    try {
      const now = clock.now();
      const done = await action(store, order, choose(now), now);
      const queued = done.some((sku) => sku.result === 'queued');
      if (queued) onRelayQueued();
      logger.info(
        'orders',
        `${verb} order ${fingerprint(order.provisioningId)}: ${done.map((s) => s.result).join(', ')}`,
      );
      res
        .status(queued ? 202 : 200)
        .json({ provisioningId: order.provisioningId, skus: actions(done) });
    } catch (error) {
      if (!(error instanceof OrderConflict)) throw error;
      fail(res, error.status, error.message);
    }
  }

  router.get(
    '/api/subscriptions/:provisioningId',
    async (req: Request<{ provisioningId: string }>, res) => {
      const order = await findOrder(req.params.provisioningId, res);
      if (!order) return;
      const usage = await store.usageLines({ provisioningId: order.provisioningId });
      // The provider's answer with its numbers as written.
      const view = describeOrder(order, { billing: models, now: clock.now() }, usage);
      res.type('application/json').send(stringifyExact(view));
    },
  );

  router.post('/api/billing/start', ...readJsonText(body), async (req, res) => {
    const parsed = parse(billingStartBody, req.body as string);
    if ('error' in parsed) return fail(res, 400, parsed.error);
    if (deps.api === 'v1') return fail(res, 409, NO_V1_BILLING_START);
    const order = await findOrder(parsed.data.provisioningId, res);
    if (!order) return;
    const named = parsed.data.productSkus;
    const choose = (now: number) => {
      const skus = named === undefined ? defaultStartSkus(order, models) : pickSkus(order, named);
      refuseSelfStarted(order, skus, models, now);
      return skus;
    };
    await act(res, order, choose, startBilling, 'billing start of');
  });

  const optionalBody = { ...body, missing: null };
  router.post(
    '/api/subscriptions/:provisioningId/terminate',
    ...readJsonText(optionalBody),
    async (req: Request<{ provisioningId: string }>, res) => {
      const parsed = parse(terminateBody, req.body as string);
      if ('error' in parsed) return fail(res, 400, parsed.error);
      const order = await findOrder(req.params.provisioningId, res);
      const named = parsed.data.productSkus;
      if (order) await act(res, order, () => pickSkus(order, named), terminate, 'termination of');
    },
  );
  router.use(['/api/subscriptions', '/api/billing'], jsonBodyErrors(body));
  return router;
}
