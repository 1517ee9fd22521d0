import { startSandboxProcess } from './processes.mjs';

const json = async (response) => {
  if (!response.ok) throw new Error(`sandbox answered ${response.status}`);
  return response.json();
};

/**
 * The sandbox onramp on 127.0.0.1 and a random port, in a process of its own: answering
 * thousands of relays a second must not slow the bench process, which reads the
 * collector's output (a collector writing its log to a pipe nobody reads waits).
 */
export async function startSandboxServer() {
  const sandbox = await startSandboxProcess();
  const { url } = sandbox;
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
    close: () => sandbox.stop(),
  };
}
