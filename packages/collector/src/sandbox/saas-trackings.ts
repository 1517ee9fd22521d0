import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { SandboxState } from './state.js';
import { takeMode } from './state.js';

const required = (name: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${name} is required` : `${name} must be a string`,
    })
    .min(1, { error: `${name} must not be empty` });

// What the marketplace onramp accepts, as far as the seed documents describe it.
const trackingSchema = z.strictObject(
  {
    partnerKey: required('partnerKey'),
    serviceName: required('serviceName'),
    customerId: required('customerId'),
    purchasedAt: required('purchasedAt').pipe(
      z.iso.datetime({ offset: true, error: 'purchasedAt must be an ISO-8601 date-time' }),
    ),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unexpected field(s): ${issue.keys.join(', ')}`
        : 'body must be a JSON object',
  },
);

function accept(state: SandboxState, req: Request, res: Response): void {
  if (!req.is('application/json')) {
    state.stats.rejected += 1;
    res.status(415).json({ error: 'Content-Type must be application/json' });
    return;
  }
  const parsed = trackingSchema.safeParse(req.body);
  if (!parsed.success) {
    state.stats.rejected += 1;
    res.status(400).json({ error: parsed.error.issues[0]?.message ?? 'invalid body' });
    return;
  }
  const call = {
    id: state.nextId++,
    receivedAt: new Date().toISOString(),
    body: req.body as Record<string, unknown>,
  };
  state.received.push(call);
  state.stats.accepted += 1;
  res.status(200).json({ id: call.id });
}

/** `POST /api/SaasTrackings`, answering according to the current mode. */
export function saasTrackingsRouter(state: SandboxState): Router {
  const router = Router();
  router.post('/api/SaasTrackings', express.json({ limit: '64kb' }), (req, res) => {
    const { mode, status, retryAfter, location } = takeMode(state);
    if (mode === 'fail') {
      state.stats.failed += 1;
      if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
      res.status(status ?? 503).json({ error: `sandbox failure mode (${status ?? 503})` });
    } else if (mode === 'redirect') {
      state.stats.failed += 1;
      res.redirect(status ?? 307, location ?? 'http://127.0.0.1:9/api/SaasTrackings');
    } else if (mode === 'garbage') {
      // Not HTTP at all: the client must fail the call, not misread it.
      state.stats.failed += 1;
      res.socket?.end('HTTP/1.1 2OO garbage\r\n\x00\xff{{{\r\n\r\n');
    } else if (mode === 'stall') {
      state.stats.stalled += 1;
      state.held.add(res);
      res.on('close', () => state.held.delete(res));
    } else if (mode === 'reject') {
      state.stats.rejected += 1;
      res.status(400).json({ error: 'sandbox reject mode: tracking refused' });
    } else {
      accept(state, req, res);
    }
  });
  return router;
}
