import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  BEFORE_CONNECT,
  cutAnswer,
  MAX_ANSWER_BYTES,
  networkError,
  type OnrampResult,
} from './onramp-answer.js';

/** POSTs JSON text to a URL; never throws. */
export type Post = (url: string, text: string, signal?: AbortSignal) => Promise<OnrampResult>;

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  // What the collector sent when it called the onramp with fetch.
  'user-agent': 'node',
};

/**
 * {@link Post} with node:http(s) over keep-alive connections. fetch made each call a
 * Request, a Response, headers and two web streams, most of which outlived a young
 * collection while the call was in flight: draining a backlog, the relay worker spent
 * two fifths of its time in fetch and its heap grew past 100 MB (docs/benchmarks.md).
 * Here a call is one request and at most {@link MAX_ANSWER_BYTES} of the answer.
 *
 * Redirects are not followed (node:http never does). The timeout covers the whole call,
 * answer included. A failed connection is worded as fetch worded it (`fetch failed:
 * connect ECONNREFUSED …`), the text relay rows, the dashboard and the CLI have shown.
 */
export function httpPost(timeoutMs: number): Post {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };
  // The relay worker calls a handful of URLs over and over: each is parsed once.
  const targets = new Map<string, RequestOptions | string>();
  const targetOf = (url: string): RequestOptions | string => {
    let target = targets.get(url);
    if (target !== undefined) return target;
    target = parseTarget(url);
    if (targets.size < 64) targets.set(url, target);
    return target;
  };
  return (url, text, signal) =>
    new Promise((resolve) => {
      const target = targetOf(url);
      if (typeof target === 'string') return resolve(networkError(target, noAnswer));
      const protocol = target.protocol as 'http:' | 'https:';
      let settled = false;
      let timedOut = false;
      let aborted = false;
      const settle = (result: OnrampResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        resolve(result);
      };
      const fail = (error: Error & { code?: string }) => {
        if (timedOut) return settle(networkError(`timed out after ${timeoutMs} ms`, timeout));
        if (aborted) return settle(networkError('This operation was aborted', noAnswer));
        const before = error.code !== undefined && BEFORE_CONNECT.has(error.code);
        settle(networkError(`fetch failed: ${error.message}`, { timedOut, notSent: before }));
      };
      const answer = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (more: boolean) =>
          settle({
            type: 'response',
            ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300,
            status: res.statusCode ?? 0,
            body: cutAnswer(chunks, more),
            retryAfter: res.headers['retry-after'] ?? null,
          });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          chunks.push(chunk);
          size += chunk.length;
          // The rest is never read: closing the connection drops it.
          if (size > MAX_ANSWER_BYTES) {
            done(true);
            res.destroy();
          }
        });
        res.once('end', () => done(false));
        res.once('error', fail);
      };
      const req = (protocol === 'https:' ? httpsRequest : httpRequest)(
        { ...target, agent: agents[protocol] },
        answer,
      );
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
      }, timeoutMs);
      const abort = () => {
        aborted = true;
        req.destroy();
      };
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
      req.once('error', fail);
      // A request destroyed before any error (the timer, an abort) still says why.
      req.once('close', () => fail(new Error('socket closed')));
      req.setHeader('content-length', Buffer.byteLength(text));
      req.end(text);
    });
}

// What node:http needs of a URL, or why it cannot be called (worded as fetch worded it).
function parseTarget(url: string): RequestOptions | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `Failed to parse URL from ${url}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `fetch failed: unknown scheme ${parsed.protocol}`;
  }
  return {
    protocol: parsed.protocol,
    // An IPv6 host comes bracketed in a URL, not in a socket address.
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port,
    path: `${parsed.pathname}${parsed.search}`,
    ...(parsed.username && {
      auth: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`,
    }),
    method: 'POST',
    headers: HEADERS,
  };
}

const noAnswer = { timedOut: false, notSent: false };
const timeout = { timedOut: true, notSent: false };
