import { createSandboxApp } from '@clm/collector';
import { onExit } from './guard.mjs';

const json = async (response) => {
  if (!response.ok) throw new Error(`sandbox answered ${response.status}`);
  return response.json();
};

/** The sandbox onramp in this process, on 127.0.0.1 and a random port. */
export async function startSandboxServer() {
  const server = createSandboxApp().listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const unregister = onExit(close);
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
    async close() {
      unregister();
      await close();
    },
  };
}
