// The ingest baselines: the same framework and route with nothing behind it. Plain, the
// route answers 204 without reading the body; with `--body`, it first reads the body as an
// Express app usually does (express.text, 8 KB cap) and parses it with JSON.parse.
import express from 'express';

const readBody = process.argv.includes('--body');
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
if (readBody) {
  app.post(
    '/beacon',
    express.text({ type: ['text/plain', 'application/json'], limit: 8 * 1024 }),
    (req, res) => {
      JSON.parse(req.body);
      res.status(204).end();
    },
  );
} else {
  app.post('/beacon', (_req, res) => {
    res.status(204).end();
  });
}
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
