import express, { Router } from 'express';
import { z } from 'zod';
import { modelName } from '../orders/billing-models.js';
import { type BookOrder, registerOrder } from './books.js';
import { ledgerLines } from './ledger.js';
import type { SandboxState } from './state.js';

const text = (name: string) =>
  z
    .string({
      error: (i) => (i.input === undefined ? `${name} is required` : `${name} must be a string`),
    })
    .min(1, { error: `${name} must not be empty` })
    .max(256, { error: `${name} must be at most 256 characters` });

// An order as a test provisioned it through the collector itself.
const orderSchema = z.strictObject(
  {
    provisioningId: text('provisioningId').optional(),
    customerId: text('customerId'),
    productId: z.int({ error: 'productId must be an integer' }).min(0).optional(),
    productSkus: z
      .array(text('each SKU'), { error: 'productSkus must be an array of SKUs' })
      .min(1, { error: 'productSkus must not be empty' })
      .max(100, { error: 'productSkus must list at most 100 SKUs' }),
    orderedAt: z.iso
      .datetime({ offset: true, error: 'orderedAt must be an ISO-8601 date-time' })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unexpected field(s): ${issue.keys.join(', ')}`
        : 'body must be a JSON object',
  },
);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An order as `/_sandbox/orders` shows it. */
export const orderView = (order: BookOrder) => ({
  provisioningId: order.provisioningId,
  customerId: order.customerId,
  productId: order.productId,
  productSkus: order.productSkus,
  orderedAt: iso(order.orderedAt),
  api: order.api,
  skus: order.skus.map((book) => ({
    sku: book.sku,
    billingStart: modelName(book.start),
    billingStartedAt: iso(book.billingStartedAt),
    endedAt: iso(book.endedAt),
  })),
});

/**
 * `POST /_sandbox/orders` enters an order in the books as the Buy page does (for tests that
 * provision through the collector directly), `GET /_sandbox/orders` lists them, and
 * `GET /_sandbox/ledger` gives the ledger's lines.
 */
export function ordersRouter(state: SandboxState, productId: number): Router {
  const router = Router();
  router.post('/_sandbox/orders', express.json({ limit: '16kb' }), (req, res) => {
    const parsed = orderSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues[0]?.message ?? 'invalid order' });
      return;
    }
    const { customerId, productSkus, orderedAt } = parsed.data;
    const current = state.books;
    // Under v1 the marketplace knows an account by the provider's coid alone.
    const provisioningId = current.api === 'v1' ? customerId : parsed.data.provisioningId;
    if (provisioningId === undefined) {
      res.status(400).json({ error: 'provisioningId is required' });
      return;
    }
    const known = current.orders.has(provisioningId);
    const order = registerOrder(current, {
      provisioningId,
      customerId,
      productId: parsed.data.productId ?? productId,
      productSkus,
      orderedAt: orderedAt === undefined ? current.clock.now() : Date.parse(orderedAt),
    });
    if (order === 'conflict') {
      res.status(409).json({ error: `another order is registered as ${provisioningId}` });
      return;
    }
    res.status(known ? 200 : 201).json(orderView(order));
  });
  router.get('/_sandbox/orders', (_req, res) => {
    res.json([...state.books.orders.values()].map(orderView));
  });
  router.get('/_sandbox/ledger', (_req, res) => {
    res.json({ lines: ledgerLines(state.books) });
  });
  return router;
}
