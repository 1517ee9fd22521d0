import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../clock.js';

/**
 * Faults the wire itself causes, which the sandbox's modes cannot: `refuse`, the
 * marketplace unreachable (connections refused: the request is never written); `cut`, the
 * call reaches the marketplace, which records it, and the connection drops before the
 * answer; `lateAnswer`, recorded but answered after the collector stopped waiting.
 */
export type WireFault = 'refuse' | 'cut' | 'lateAnswer';

/** One call that crossed the wire to the marketplace. */
export interface WireCall {
  /** Order of arrival, across endpoints. */
  seq: number;
  /** The collector's (injected) clock when it arrived. */
  at: number;
  /** The marketplace path, e.g. `/saas-usage/`. */
  path: string;
  body: Record<string, unknown>;
  /** The body as written (numbers with their digits). */
  text: string;
  /** The marketplace's status, null until it answered (a stalled call may never). */
  status: number | null;
  /** The marketplace recorded it (a 2xx with the id of its record). */
  accepted: boolean;
  /** The id the marketplace gave the call, when it recorded it. */
  callId: number | null;
  /** What the wire did to the answer. */
  fault: Exclude<WireFault, 'refuse'> | null;
}

const readAll = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The collector's road to the marketplace: forwards each call to `target`, logs it with the
 * collector's clock (the sandbox stamps calls with the wall clock, which the history moves
 * away from) and applies the faults queued for the next calls.
 */
export async function startWire(target: string, clock: Clock) {
  const calls: WireCall[] = [];
  const faults: { fault: Exclude<WireFault, 'refuse'>; path: string | null }[] = [];
  let pending = 0;
  const sockets = new Set<import('node:net').Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    pending++;
    const text = await readAll(req);
    const path = req.url ?? '/';
    const call: WireCall = {
      seq: calls.length + 1,
      at: clock.now(),
      path,
      body: JSON.parse(text) as Record<string, unknown>,
      text,
      status: null,
      accepted: false,
      callId: null,
      fault: null,
    };
    calls.push(call);
    const index = faults.findIndex((f) => f.path === null || f.path === path);
    if (index >= 0) call.fault = (faults.splice(index, 1)[0] as (typeof faults)[number]).fault;
    try {
      const answer = await fetch(`${target}${path}`, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: text,
      });
      const body = await answer.text();
      call.status = answer.status;
      const id = answer.ok ? (JSON.parse(body) as { id?: unknown }).id : undefined;
      call.accepted = typeof id === 'number';
      call.callId = typeof id === 'number' ? id : null;
      // On a slow machine the collector may have given up before the answer: that is what
      // it saw, a late answer.
      if (call.fault === null && req.socket.destroyed) call.fault = 'lateAnswer';
      if (call.fault === 'cut') req.socket.destroy();
      else if (call.fault === null) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
      }
      // lateAnswer: never answered; the collector's timeout ends the call.
    } catch {
      if (!res.destroyed) req.socket.destroy();
    } finally {
      pending--;
    }
  }

  const open = (port = 0) =>
    new Promise<Server>((resolve) => {
      const s = createServer((req, res) => void handle(req, res));
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  let server: Server | null = await open();
  const port = (server.address() as AddressInfo).port;
  const shut = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    /** Applies `fault` to the next `count` calls (to `path` only, when given). */
    inject(fault: Exclude<WireFault, 'refuse'>, count: number, path: string | null) {
      for (let i = 0; i < count; i++) faults.push({ fault, path });
    },
    /** Faults queued and not applied yet. */
    queued: () => faults.length,
    /** Calls still being handled (a stalled one until the sandbox lets it go). */
    pending: () => pending,
    isDown: () => server === null,
    /** Refuses connections until {@link up}: every open connection is dropped too. */
    down: shut,
    up: async () => {
      if (!server) server = await open(port);
    },
    close: shut,
  };
}

/** The wire between the collector and the sandbox. */
export type Wire = Awaited<ReturnType<typeof startWire>>;
