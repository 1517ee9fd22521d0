import { createServer } from 'node:http';
import { createSandboxApp } from '@clm/collector';
import { listenLoopback } from './listen.mjs';

const json = async (response) => {
  if (!response.ok) throw new Error(`sandbox answered ${response.status}`);
  return response.json();
};

/** The sandbox onramp in this process, on 127.0.0.1 and a random port. */
export async function startSandboxServer() {
  const { url, close } = await listenLoopback(createServer(createSandboxApp()));
  return {
    url,
    stats: () => fetch(`${url}/_sandbox/stats`).then(json),
    /** Every accepted SaasTracking call: `{ id, receivedAt, body }`. */
    received: () => fetch(`${url}/_sandbox/received`).then(json),
    mode: (mode) =>
      fetch(`${url}/_sandbox/mode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mode),
      }).then(json),
    close,
  };
}
