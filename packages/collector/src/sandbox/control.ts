import express, { Router } from 'express';
import { z } from 'zod';
import {
  createSandboxState,
  ENDPOINTS,
  modeSchema,
  releaseHeld,
  type SandboxState,
} from './state.js';

const callsQuery = z.object({
  endpoint: z
    .enum(ENDPOINTS, { error: `endpoint must be one of ${ENDPOINTS.join(', ')}` })
    .optional(),
});

/** `/_sandbox/*`: what was received, counters, reset and failure modes. */
export function controlRouter(state: SandboxState): Router {
  const router = Router();
  router.get('/_sandbox/received', (_req, res) => {
    res.json(state.received);
  });
  router.get('/_sandbox/calls', (req, res) => {
    const parsed = callsQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues[0]?.message ?? 'bad query' });
      return;
    }
    const { endpoint } = parsed.data;
    res.json(
      endpoint === undefined ? state.calls : state.calls.filter((c) => c.endpoint === endpoint),
    );
  });
  router.get('/_sandbox/provisionings', (_req, res) => {
    res.json(state.provisionings);
  });
  router.get('/_sandbox/stats', (_req, res) => {
    res.json({ ...state.stats, mode: state.mode });
  });
  router.post('/_sandbox/reset', (_req, res) => {
    releaseHeld(state);
    Object.assign(state, createSandboxState(state.books));
    res.status(204).end();
  });
  router.post('/_sandbox/mode', express.json(), (req, res) => {
    const parsed = modeSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message}` });
      return;
    }
    state.mode = parsed.data;
    releaseHeld(state);
    res.json({ mode: state.mode });
  });
  return router;
}
