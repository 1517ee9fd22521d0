import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { stringifyExact } from '../exact-json.js';
import { jsonBodyErrors, readJsonText } from '../http/json-body.js';
import type { Logger } from '../log.js';
import { provisioningIdSchema, skuListSchema } from '../order-ids.js';
import type { MarketplaceApi } from '../outbox/kind.js';
import { requireBearerToken } from '../security/bearer-token.js';
import type { OrdersStore } from '../store/orders.js';
import type { UsageStore } from '../store/usage.js';
import { NO_V1_BILLING_START, pickSkus, startBilling, terminate } from './billing.js';
import { type SkuBilling, skuBillingFor } from './billing-models.js';
import { defaultStartSkus, refuseSelfStarted } from './billing-start-rules.js';
import { act, fail, findOrder } from './subscription-replies.js';
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

/**
 * The provider API on orders (bearer `CLM_API_TOKEN`): `GET /api/subscriptions/:id`,
 * `POST /api/billing/start`, `POST /api/subscriptions/:id/terminate`.
 */
export function subscriptionsRouter(deps: SubscriptionsDeps): Router {
  const { store, clock } = deps;
  const models = deps.skuBilling ?? skuBillingFor(deps.api ?? 'v2');
  const body = { limit: MAX_ORDER_API_BODY_BYTES, missing: 'body required: a JSON object' };
  const router = Router();

  // GET: the order with its SKUs' billing and usage.
  async function showSubscription(req: Request<{ provisioningId: string }>, res: Response) {
    const order = await findOrder(store, req.params.provisioningId, res);
    if (!order) return;
    const usage = await store.usageLines({ provisioningId: order.provisioningId });
    // The provider's answer with its numbers as written.
    const view = describeOrder(order, { billing: models, now: clock.now() }, usage);
    res.type('application/json').send(stringifyExact(view));
  }

  async function startBillingOf(req: Request, res: Response) {
    const parsed = parse(billingStartBody, req.body as string);
    if ('error' in parsed) return fail(res, 400, parsed.error);
    if (deps.api === 'v1') return fail(res, 409, NO_V1_BILLING_START);
    const order = await findOrder(store, parsed.data.provisioningId, res);
    if (!order) return;
    const named = parsed.data.productSkus;
    const choose = (now: number) => {
      const skus = named === undefined ? defaultStartSkus(order, models) : pickSkus(order, named);
      refuseSelfStarted(order, skus, models, now);
      return skus;
    };
    await act(deps, res, order, choose, startBilling, 'billing start of');
  }

  async function terminateOrder(req: Request<{ provisioningId: string }>, res: Response) {
    const parsed = parse(terminateBody, req.body as string);
    if ('error' in parsed) return fail(res, 400, parsed.error);
    const order = await findOrder(store, req.params.provisioningId, res);
    const named = parsed.data.productSkus;
    if (order)
      await act(deps, res, order, () => pickSkus(order, named), terminate, 'termination of');
  }

  router.use(
    ['/api/subscriptions', '/api/billing'],
    requireBearerToken(deps.apiToken, {
      disabled: 'API disabled: CLM_API_TOKEN is not set',
      required: 'API token required',
    }),
  );
  router.get('/api/subscriptions/:provisioningId', showSubscription);
  router.post('/api/billing/start', ...readJsonText(body), startBillingOf);
  const optionalBody = { ...body, missing: null };
  router.post(
    '/api/subscriptions/:provisioningId/terminate',
    ...readJsonText(optionalBody),
    terminateOrder,
  );
  router.use(['/api/subscriptions', '/api/billing'], jsonBodyErrors(body));
  return router;
}
