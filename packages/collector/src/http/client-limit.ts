import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

const WINDOW_MS = 60_000;

interface Client {
  hits: number;
  /** Ms since the epoch when this client's window ends. */
  resetAt: number;
  /** The `pk` of its `RateLimit-Policy` header (a digest of its key), made once. */
  partition: string;
}

// What express-rate-limit does with res.append, without its reading back when there is
// nothing to append to (always, for a beacon).
const add = (res: Response, name: string, value: string) => {
  if (res.hasHeader(name)) res.append(name, value);
  else res.setHeader(name, value);
};

/** The `pk` express-rate-limit gives a key: base64 of the first 12 hex digits of its SHA-256. */
const partitionOf = (key: string) =>
  Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');

/** A per-client limit: Express middleware, and the same check called in place. */
export interface ClientLimit extends RequestHandler {
  /**
   * Counts this request against its client's budget and sets the `RateLimit` headers;
   * past the limit, answers 429 and returns false.
   */
  admits(req: Request, res: Response): boolean;
}

/**
 * `limit` requests per client IP (IPv6 grouped by /56) in a minute, then 429 with
 * `{ error: message }` and `Retry-After`: what `perClientPerMinute` (express-rate-limit with
 * draft-8 `RateLimit` headers and its memory store, security/rate-limit.ts) does, answer
 * for answer and header for header, at a fraction of the cost. That one runs each request
 * through an async middleware with validations and hashes the client's key for its
 * header every time: a quarter of a beacon's CPU time (measured by leaving it out,
 * docs/benchmarks.md). This one decides in the same tick and hashes a key once a window.
 * A test holds the two to the same answers.
 *
 * Each client's window starts with its first request; every minute, clients not seen
 * since the minute before are forgotten (express-rate-limit's MemoryStore).
 */
export function perClientLimit(limit: number, message: string): ClientLimit {
  const name = `"${limit}-in-${WINDOW_MS / 60_000}min"`;
  const policy = `${name}; q=${limit}; w=${WINDOW_MS / 1000}; pk=:`;
  const body = { error: message };
  let current = new Map<string, Client>();
  let previous = new Map<string, Client>();
  setInterval(() => {
    previous = current;
    current = new Map();
  }, WINDOW_MS).unref();

  const clientOf = (key: string, now: number): Client => {
    let client = current.get(key);
    if (client !== undefined) return client;
    client = previous.get(key);
    if (client !== undefined) previous.delete(key);
    else client = { hits: 0, resetAt: now + WINDOW_MS, partition: partitionOf(key) };
    current.set(key, client);
    return client;
  };

  const admits = (req: Request, res: Response): boolean => {
    const ip = req.ip as string;
    const key = ipKeyGenerator(ip, 56);
    const now = Date.now();
    const client = clientOf(key, now);
    if (client.resetAt <= now) {
      client.hits = 0;
      client.resetAt = now + WINDOW_MS;
    }
    client.hits++;
    const resetSeconds = Math.max(0, Math.ceil((client.resetAt - now) / 1000));
    if (!res.headersSent) {
      add(res, 'RateLimit', `${name}; r=${Math.max(limit - client.hits, 0)}; t=${resetSeconds}`);
      add(res, 'RateLimit-Policy', `${policy}${client.partition}:`);
    }
    if (client.hits <= limit) return true;
    if (!res.headersSent) res.setHeader('Retry-After', String(resetSeconds));
    res.status(429);
    if (!res.writableEnded) res.send(body);
    return false;
  };
  const handler: RequestHandler = (req, res, next) => {
    if (admits(req, res)) next();
  };
  return Object.assign(handler, { admits });
}
