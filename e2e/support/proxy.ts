import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin load balancer in front of several collectors, on 127.0.0.1 and a random
 * port: each request goes to the next upstream in turn.
 *
 * A request is tried on another upstream in one case only: the connection to the one it
 * was sent to was refused (ECONNREFUSED), so not one byte of it was written and that
 * upstream certainly did nothing with it (the collector is down, or restarting). Any other
 * failure (the connection reset or closed once the request was written, no answer) is
 * answered `502` and not retried: that upstream may have acted on the request (committed
 * a purchase, called the provider), and a POST is not safe to repeat in general; whoever
 * sent it decides, as a browser or a provider's backend would. This is what nginx does by
 * default for a POST (`proxy_next_upstream error timeout`, which never passes a
 * non-idempotent request on to the next server once it was sent). Each request gets a
 * connection of its own (no keep-alive), so a refused connection always means "not sent".
 */
export interface Proxy {
  url: string;
  /** Requests each upstream answered, by its URL. */
  served: Map<string, number>;
  /** Requests moved to another upstream because the connection was refused. */
  retried: number;
  /** Requests answered 502: the upstream failed after the request was written. */
  failed: number;
  close: () => Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Hop-by-hop headers: about one connection, not passed on.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const endToEnd = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP.has(name.toLowerCase())));

function forward(upstream: string, req: IncomingMessage, body: Buffer): Promise<Answer> {
  const target = new URL(req.url ?? '/', upstream);
  return new Promise((resolve, reject) => {
    const out = request(
      target,
      {
        method: req.method ?? 'GET',
        headers: { ...endToEnd(req.headers), host: target.host, 'content-length': body.length },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Starts the proxy; `upstreams()` is read at each request (the base URLs, in order). */
export async function startProxy(upstreams: () => string[]): Promise<Proxy> {
  let turn = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const list = upstreams();
    const first = turn++ % list.length;
    for (let i = 0; i < list.length; i++) {
      const upstream = list[(first + i) % list.length] as string;
      try {
        const answer = await forward(upstream, req, body);
        proxy.served.set(upstream, (proxy.served.get(upstream) ?? 0) + 1);
        res.writeHead(answer.status, endToEnd(answer.headers));
        res.end(answer.body);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Refused: nothing was written, the next upstream may take it.
        if (code === 'ECONNREFUSED' && i < list.length - 1) {
          proxy.retried += 1;
          continue;
        }
        proxy.failed += 1;
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `proxy: ${upstream} failed (${code ?? 'no answer'})` }));
        return;
      }
    }
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const proxy: Proxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: new Map(),
    retried: 0,
    failed: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
