import { connect } from 'node:net';
import express from 'express';
import { describe, expect, it, onTestFinished } from 'vitest';
import { closeServer, listenOn } from './listen.js';

const timeouts = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 200,
  checkIntervalMs: 50,
};

async function server() {
  const app = express();
  app.post('/beacon', express.text(), (_req, res) => {
    res.status(204).end();
  });
  const { server, url } = await listenOn(app, 0, '127.0.0.1', timeouts);
  onTestFinished(() => closeServer(server, 0));
  return new URL(url);
}

/** Opens a socket, runs `attack` on it, resolves with what the server sent once it closes. */
function slowClient(url: URL, attack: (write: (s: string) => void) => () => void) {
  return new Promise<{ answer: string; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let stop = () => {};
    socket.on('connect', () => {
      stop = attack((s) => socket.write(s));
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      stop();
      resolve({ answer, ms: Date.now() - started });
    });
    // Bounded: the server must have cut the client off well before this.
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the slow connection open'));
    }, 5000).unref();
  });
}

describe('server timeouts', () => {
  it('cuts off a client trickling its headers', async () => {
    const url = await server();
    const { answer, ms } = await slowClient(url, (write) => {
      write('POST /beacon HTTP/1.1\r\nHost: x\r\n');
      let n = 0;
      const timer = setInterval(() => write(`X-Slow-${n++}: y\r\n`), 40);
      return () => clearInterval(timer);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(2000);
  });

  it('cuts off a client trickling its body', async () => {
    const url = await server();
    const { answer } = await slowClient(url, (write) => {
      write(
        'POST /beacon HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n',
      );
      const timer = setInterval(() => write('x'), 40);
      return () => clearInterval(timer);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes an idle keep-alive connection', async () => {
    const url = await server();
    const { answer } = await slowClient(url, (write) => {
      write(
        'POST /beacon HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
      );
      return () => {};
    });
    expect(answer).toMatch(/^HTTP\/1\.1 204/);
  });
});
