// The ingest baseline: the same framework and route with nothing behind it.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/beacon', (_req, res) => {
  res.status(204).end();
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`[bare] listening on http://127.0.0.1:${server.address().port}`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// Stops by itself if the bench forgets it.
setTimeout(stop, 10 * 60_000).unref();
