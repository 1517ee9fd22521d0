import express, { Router } from 'express';
import { createSandboxState, modeSchema, releaseHeld, type SandboxState } from './state.js';

/** `/_sandbox/*`: what was received, counters, reset and failure modes. */
export function controlRouter(state: SandboxState): Router {
  const router = Router();
  router.get('/_sandbox/received', (_req, res) => {
    res.json(state.received);
  });
  router.get('/_sandbox/stats', (_req, res) => {
    res.json({ ...state.stats, mode: state.mode });
  });
  router.post('/_sandbox/reset', (_req, res) => {
    releaseHeld(state);
    Object.assign(state, createSandboxState());
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
