import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type RequestHandler, type Response, Router } from 'express';
import type { Logger } from '../log.js';

// The build copies the pixel to dist/pixel/ so the published package needs no @clm/pixel;
// running from source (tests, tsx) finds it in the workspace package instead.
const pixelLocations = [
  () => fileURLToPath(new URL('../pixel/pixel.js', import.meta.url)),
  () => createRequire(import.meta.url).resolve('@clm/pixel/pixel.js'),
];

/**
 * Reads the built pixel (the copy in this package's `dist/pixel/`, else
 * `@clm/pixel/pixel.js`); null when it has not been built, so the collector still starts
 * and `/pixel.js` answers 503 with the reason.
 */
export function readPixelScript(logger: Logger): Buffer | null {
  let failure: unknown;
  for (const locate of pixelLocations) {
    try {
      return readFileSync(locate());
    } catch (error) {
      failure = error;
    }
  }
  logger.warn('collector', `pixel script unavailable (build @clm/pixel first): ${String(failure)}`);
  return null;
}

/** The versioned file name of a pixel build and its Subresource Integrity value. */
export interface PixelInfo {
  /** `pixel.<first 16 hex of sha384>.js`: never changes content, cached for a year. */
  file: string;
  /** `sha384-<base64>` for the script tag's `integrity` attribute. */
  integrity: string;
}

/** Names and SRI hash of a pixel build. */
export function pixelInfo(script: Buffer): PixelInfo {
  const hash = createHash('sha384').update(script);
  const digest = hash.digest();
  return {
    file: `pixel.${digest.toString('hex').slice(0, 16)}.js`,
    integrity: `sha384-${digest.toString('base64')}`,
  };
}

// Not req.fresh: it ignores If-None-Match when the request says `Cache-Control: no-cache`,
// which fetch() adds to every conditional request; an origin server should still answer 304.
const matchesEtag = (header: string | undefined, etag: string) =>
  header !== undefined &&
  (header.trim() === '*' ||
    header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));

const scriptHeaders = (res: Response, etag: string, cacheControl: string) =>
  res.set({
    'Content-Type': 'text/javascript; charset=utf-8',
    ETag: etag,
    'Cache-Control': cacheControl,
    // A public script: `*` lets `<script integrity crossorigin="anonymous">` check it
    // (anonymous requests carry no credentials, so `*` never meets credentials here).
    'Access-Control-Allow-Origin': '*',
    // Provider pages on other origins embed it; CORP would otherwise let them be blocked.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
  });

/**
 * `GET /pixel.js` (short cache, revalidated with a strong ETag) and the same bytes at
 * `GET /pixel.<hash>.js` (immutable, for pinning with Subresource Integrity).
 */
export function pixelRouter(script: Buffer | null): Router {
  const router = Router();
  const etag =
    script && `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;
  const info = script && pixelInfo(script);
  const serve =
    (cacheControl: string): RequestHandler =>
    (req, res) => {
      if (!script || !etag) {
        res.status(503).json({ error: 'pixel script not built' });
        return;
      }
      scriptHeaders(res, etag, cacheControl);
      if (matchesEtag(req.get('if-none-match'), etag)) {
        res.status(304).end();
        return;
      }
      res.send(script);
    };
  router.get('/pixel.js', serve('public, max-age=300'));
  if (info) router.get(`/${info.file}`, serve('public, max-age=31536000, immutable'));
  return router;
}
