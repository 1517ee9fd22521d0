import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that reached the wire in full: what the marketplace received. */
export interface WireCall {
  path: string;
  /** The body, byte for byte. */
  body: string;
  /** When it arrived (the test process's clock). */
  at: number;
}

/**
 * A recording pass-through in front of the sandbox, for the collector's usage endpoint
 * (`CLM_USAGE_URL=${wire.url}/saas-usage/`). It records every request that arrives in full,
 * whatever the sandbox then answers (a stalled or refused call is still a call the
 * marketplace received), waits `delayMs`, passes it on and returns the sandbox's answer. A
 * request is passed on even when the collector has gone meanwhile (killed, or it timed
 * out): the marketplace would have it all the same. `down()` closes the port, so the
 * collector's connection is refused; `up()` opens the same port again.
 */
export interface Wire {
  url: string;
  calls: WireCall[];
  /** How long each request is held before it is passed on (a slow marketplace). */
  delayMs: number;
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startWire(target: string): Promise<Wire> {
  const forwards = new Set<AbortController>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    wire.calls.push({ path: req.url ?? '/', body, at: Date.now() });
    const controller = new AbortController();
    forwards.add(controller);
    try {
      if (wire.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, wire.delayMs));
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await answer.text();
      if (res.destroyed) return;
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'text/plain',
      });
      res.end(text);
    } finally {
      forwards.delete(controller);
    }
  };
  // The collector may hang up first (its timeout, a kill): the request is passed on anyway.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const wire: Wire = {
    url: `http://127.0.0.1:${port}`,
    calls: [],
    delayMs: 0,
    down: stopListening,
    up: () => listen(port),
    close: async () => {
      for (const controller of forwards) controller.abort();
      await stopListening();
    },
  };
  return wire;
}
