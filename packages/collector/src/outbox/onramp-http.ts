import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
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

import { targetCache } from './onramp-target.js';

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
  const targetOf = targetCache();
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
      const answer = (res: IncomingMessage) =>
        readAnswer(res, { settle, settled: () => settled, fail });
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

/** The call `readAnswer` answers: its settle, whether it has settled, and its failure. */
interface Call {
  settle: (result: OnrampResult) => void;
  settled: () => boolean;
  fail: (error: Error & { code?: string }) => void;
}

// Reads the answer, at most MAX_ANSWER_BYTES of it, and settles the call with it.
function readAnswer(res: IncomingMessage, { settle, settled, fail }: Call): void {
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
    if (settled()) return;
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
}

const noAnswer = { timedOut: false, notSent: false };
const timeout = { timedOut: true, notSent: false };
