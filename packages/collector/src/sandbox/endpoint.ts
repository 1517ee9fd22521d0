import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { z } from 'zod';
import { parseExact } from '../exact-json.js';
import { type Endpoint, recordCall, type SandboxState, takeMode } from './state.js';
import type { BooksEntry } from './strict.js';

/** One marketplace endpoint of the sandbox. */
export interface EndpointSpec {
  name: Endpoint;
  /** The documented path; the variant with or without a trailing slash matches too. */
  path: string;
  schema: z.ZodType;
  /** What reject mode says was refused. */
  subject: string;
  /** The body of an accepted call. */
  answer: (id: number) => Record<string, unknown>;
  /** The status of an accepted call; default 200 (v1 answers 201). */
  status?: number;
  /** The seed's words for a refused call, answered as `error`, the reason as `detail`. */
  invalid?: string;
  /** Checks the call against the marketplace's books and writes it in them. */
  books?: BooksEntry;
}

type WithRaw = Request & { rawBody?: Buffer };

// The body's numbers exactly as written (a usage count is summed from its digits); null
// if the exact reader cannot read what JSON.parse did, so the count is refused, not guessed.
// A leading byte order mark is dropped, as express.json drops it before JSON.parse.
const exactBody = (req: WithRaw): unknown => {
  try {
    return parseExact((req.rawBody?.toString('utf8') ?? 'null').replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
};

function refuse(state: SandboxState, spec: EndpointSpec, res: Response, reason: string): void {
  state.stats.rejected += 1;
  res
    .status(400)
    .json(spec.invalid === undefined ? { error: reason } : { error: spec.invalid, detail: reason });
}

function accept(state: SandboxState, spec: EndpointSpec, req: Request, res: Response): void {
  if (!req.is('application/json')) {
    state.stats.rejected += 1;
    res.status(415).json({ error: 'Content-Type must be application/json' });
    return;
  }
  const parsed = spec.schema.safeParse(req.body);
  if (!parsed.success) {
    refuse(state, spec, res, parsed.error.issues[0]?.message ?? 'invalid body');
    return;
  }
  const body = req.body as Record<string, unknown>;
  // One instant per call: the books date it as the call list says it was received.
  const now = state.books.clock.now();
  const refused = spec.books?.(state.books, body, exactBody(req), now) ?? null;
  if (refused !== null) {
    refuse(state, spec, res, refused);
    return;
  }
  const id = recordCall(state, spec.name, body, now);
  res.status(spec.status ?? 200).json(spec.answer(id));
}

/** `POST <spec.path>`, validated by `spec.schema`, answering according to the current mode. */
export function endpointRouter(state: SandboxState, spec: EndpointSpec): Router {
  // Unparseable or oversized bodies count as rejected, then the app's handler answers.
  const countRejected: ErrorRequestHandler = (error, _req, _res, next) => {
    state.stats.rejected += 1;
    next(error);
  };
  const answer: RequestHandler = (req, res) => {
    const { mode, status, retryAfter, location } = takeMode(state, spec.name);
    if (mode === 'fail') {
      state.stats.failed += 1;
      if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
      res.status(status ?? 503).json({ error: `sandbox failure mode (${status ?? 503})` });
    } else if (mode === 'redirect') {
      state.stats.failed += 1;
      res.redirect(status ?? 307, location ?? `http://127.0.0.1:9${spec.path}`);
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
      res.status(400).json({ error: `sandbox reject mode: ${spec.subject} refused` });
    } else {
      accept(state, spec, req, res);
    }
  };
  const router = Router();
  const verify = (req: WithRaw, _res: unknown, raw: Buffer) => {
    req.rawBody = raw;
  };
  router.post(spec.path, express.json({ limit: '64kb', verify }), answer, countRejected);
  return router;
}
