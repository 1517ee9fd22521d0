import { onExit } from './guard.mjs';

/**
 * Listens on 127.0.0.1 and a random port; `close()` drops open connections and is also
 * run if the bench exits early.
 */
export async function listenLoopback(server) {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const unregister = onExit(close);
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async close() {
      unregister();
      await close();
    },
  };
}
