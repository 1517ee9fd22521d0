import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { clientKeyOf } from './client-key.js';

const WINDOW_MS = 60_000;

/** One client's count in its window. */
export interface Client {
  hits: number;
  /** Ms since the epoch when this client's window ends. */
  resetAt: number;
  /** The `pk` of its `RateLimit-Policy` header (a digest of its key), made once. */
  partition: string;
}

// Appended to what is there, as Express's res.append does; nothing is, for a beacon.
const add = (res: ServerResponse, name: string, value: string) => {
  const there = res.getHeader(name);
  if (there === undefined) res.setHeader(name, value);
  else res.setHeader(name, [...(Array.isArray(there) ? there : [String(there)]), value]);
};

/** A key's `pk`: base64 of the first 12 hex digits of its SHA-256. */
const partitionOf = (key: string) =>
  Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');

/** Counts requests per client in a minute's window; see {@link perClientLimit}. */
export interface ClientCounter {
  /**
   * Counts this request against its client's budget and sets the `RateLimit` headers;
   * returns the client, whose `hits` past `limit` mean over the budget.
   */
  count(ip: string | undefined, res: ServerResponse): Client;
  /** Seconds until the client's window ends, as `Retry-After` gives them. */
  secondsLeft(client: Client): number;
  /** Takes one request back, unless the window it was counted in has ended. */
  refund(client: Client, resetAt: number): void;
}

/**
 * `limit` requests per client a minute, in windows that start with a client's first
 * request; every minute, clients not seen since the minute before are forgotten. Clients
 * are IPv4 addresses and IPv6 /56 networks ({@link clientKeyOf}) of `req.ip`, so the app's
 * `trust proxy` setting decides who the client is. Headers are the IETF draft-8 ones.
 */
export function clientCounter(limit: number): ClientCounter {
  const name = `"${limit}-in-${WINDOW_MS / 60_000}min"`;
  const policy = `${name}; q=${limit}; w=${WINDOW_MS / 1000}; pk=:`;
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
  const secondsLeft = (client: Client, now = Date.now()) =>
    Math.max(0, Math.ceil((client.resetAt - now) / 1000));

  return {
    count(ip, res) {
      const now = Date.now();
      const client = clientOf(clientKeyOf(ip as string), now);
      if (client.resetAt <= now) {
        client.hits = 0;
        client.resetAt = now + WINDOW_MS;
      }
      client.hits++;
      if (!res.headersSent) {
        const left = Math.max(limit - client.hits, 0);
        add(res, 'RateLimit', `${name}; r=${left}; t=${secondsLeft(client, now)}`);
        add(res, 'RateLimit-Policy', `${policy}${client.partition}:`);
      }
      return client;
    },
    secondsLeft,
    refund(client, resetAt) {
      if (Date.now() < resetAt && client.hits > 0) client.hits--;
    },
  };
}

/** A per-client limit: Express middleware, and the same check called in place. */
export interface ClientLimit extends RequestHandler {
  /**
   * Counts a request from `ip` against its client's budget and sets the `RateLimit`
   * headers; past the limit, answers 429 on the Express response `answer` gives, and
   * returns false.
   */
  admits(ip: string | undefined, res: ServerResponse, answer: () => Response): boolean;
}

/**
 * `limit` requests per client a minute ({@link clientCounter}), then 429 with
 * `{ error: message }` and `Retry-After`. Decided in the same tick, with the client's key
 * hashed once a window: express-rate-limit, which this replaced, ran each request through
 * an async middleware with validations and hashed the key for every answer's header (a
 * quarter of a beacon's CPU time, docs/benchmarks.md). A test holds the two to the same
 * answers and headers.
 */
export function perClientLimit(limit: number, message: string): ClientLimit {
  const counter = clientCounter(limit);
  const body = { error: message };
  const admits = (ip: string | undefined, res: ServerResponse, answer: () => Response) => {
    const client = counter.count(ip, res);
    if (client.hits <= limit) return true;
    if (!res.headersSent) res.setHeader('Retry-After', String(counter.secondsLeft(client)));
    const response = answer();
    response.status(429);
    if (!response.writableEnded) response.send(body);
    return false;
  };
  const handler: RequestHandler = (req, res, next) => {
    if (admits(req.ip, res, () => res)) next();
  };
  return Object.assign(handler, { admits });
}
