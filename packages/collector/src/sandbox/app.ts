import express, { type ErrorRequestHandler, type Express } from 'express';
import { htmlSecurityHeaders } from '../security/html-headers.js';
import { controlRouter } from './control.js';
import { renderReceivedPage } from './page.js';
import { saasTrackingsRouter } from './saas-trackings.js';
import { createSandboxState } from './state.js';

/**
 * A stand-in for the marketplace onramp: `POST /api/SaasTrackings` validated like the
 * real one, control endpoints under `/_sandbox/`, and an HTML page at `/`.
 */
export function createSandboxApp(): Express {
  const state = createSandboxState();
  const app = express();
  app.disable('x-powered-by');
  app.use(saasTrackingsRouter(state));
  app.use(controlRouter(state));
  app.get('/', htmlSecurityHeaders(), (_req, res) => {
    res.type('html').send(renderReceivedPage(state.received));
  });
  const onError: ErrorRequestHandler = (
    error: { status?: number; type?: string },
    req,
    res,
    _next,
  ) => {
    if (req.path === '/api/SaasTrackings') state.stats.rejected += 1;
    const status = error.status ?? 500;
    const message = error.type === 'entity.parse.failed' ? 'body is not valid JSON' : 'bad request';
    res.status(status).json({ error: status === 500 ? 'internal error' : message });
  };
  app.use(onError);
  return app;
}
