import type { AddressInfo } from 'node:net';
import { createSandboxApp } from '@clm/collector';

export interface Tracking {
  partnerKey: string;
  serviceName: string;
  customerId: string;
  purchasedAt: string;
}

/** The sandbox onramp in this process, on 127.0.0.1 and a random port. */
export interface Sandbox {
  url: string;
  received: () => Promise<Tracking[]>;
  mode: (mode: Record<string, unknown>) => Promise<void>;
  close: () => Promise<void>;
}

export async function startSandbox(): Promise<Sandbox> {
  const server = createSandboxApp().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received: async () => {
      const res = await fetch(`${url}/_sandbox/received`);
      const list = (await res.json()) as { body: Tracking }[];
      return list.map((entry) => entry.body);
    },
    mode: async (mode) => {
      const res = await fetch(`${url}/_sandbox/mode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mode),
      });
      if (!res.ok) throw new Error(`sandbox mode: ${res.status}`);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
