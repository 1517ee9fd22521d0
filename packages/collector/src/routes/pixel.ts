import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Router } from 'express';
import type { Logger } from '../log.js';

/**
 * Reads the built pixel (`@clm/pixel/pixel.js`); null when it has not been built, so the
 * collector still starts and `/pixel.js` answers 503 with the reason.
 */
export function readPixelScript(logger: Logger): Buffer | null {
  try {
    return readFileSync(createRequire(import.meta.url).resolve('@clm/pixel/pixel.js'));
  } catch (error) {
    logger.warn('collector', `pixel script unavailable (build @clm/pixel first): ${String(error)}`);
    return null;
  }
}

// Not req.fresh: it ignores If-None-Match when the request says `Cache-Control: no-cache`,
// which fetch() adds to every conditional request; an origin server should still answer 304.
const matchesEtag = (header: string | undefined, etag: string) =>
  header !== undefined &&
  (header.trim() === '*' ||
    header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));

/** `GET /pixel.js`: the pixel with a strong content-hash ETag. */
export function pixelRouter(script: Buffer | null): Router {
  const router = Router();
  const etag =
    script && `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;
  router.get('/pixel.js', (req, res) => {
    if (!script || !etag) {
      res.status(503).json({ error: 'pixel script not built' });
      return;
    }
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      ETag: etag,
      'Cache-Control': 'public, max-age=300',
      // Provider pages on other origins embed it; CORP would otherwise let them be blocked.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    });
    if (matchesEtag(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.send(script);
  });
  return router;
}
