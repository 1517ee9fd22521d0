import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type RequestHandler, type Response, Router } from 'express';
import { type Logger, silentLogger } from '../log.js';

/** The two builds of the pixel: silent, and with console messages for debugging. */
export type PixelBuild = 'pixel.js' | 'pixel.debug.js';

// The build copies the pixel to dist/pixel/ so the published package needs no @clm/pixel;
// running from source (tests, tsx) finds it in the workspace package instead.
const pixelLocations = (build: PixelBuild) => [
  () => fileURLToPath(new URL(`../pixel/${build}`, import.meta.url)),
  () => createRequire(import.meta.url).resolve(`@clm/pixel/${build}`),
];

/**
 * Reads a built pixel (the copy in this package's `dist/pixel/`, else `@clm/pixel/<build>`);
 * null when it has not been built, so the collector still starts and the script's route
 * answers 503 with the reason.
 */
export function readPixelScript(logger: Logger, build: PixelBuild = 'pixel.js'): Buffer | null {
  let failure: unknown;
  for (const locate of pixelLocations(build)) {
    try {
      return readFileSync(locate());
    } catch (error) {
      failure = error;
    }
  }
  logger.warn('collector', `${build} unavailable (build @clm/pixel first): ${String(failure)}`);
  return null;
}

/** The versioned file name of a pixel build and its Subresource Integrity value. */
export interface PixelInfo {
  /** `pixel.<first 16 hex of sha384>.js` (or `pixel.debug.<…>.js`): never changes content. */
  file: string;
  /** `sha384-<base64>` for the script tag's `integrity` attribute. */
  integrity: string;
}

/** Names and SRI hash of a pixel build. */
export function pixelInfo(script: Buffer, build: PixelBuild = 'pixel.js'): PixelInfo {
  const digest = createHash('sha384').update(script).digest();
  return {
    file: build.replace(/js$/, `${digest.toString('hex').slice(0, 16)}.js`),
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

/** `GET /<build>` (short cache, revalidated with a strong ETag) and its immutable pinned name. */
function serveBuild(router: Router, build: PixelBuild, script: Buffer | null): void {
  const etag =
    script && `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;
  const serve =
    (cacheControl: string): RequestHandler =>
    (req, res) => {
      if (!script || !etag) {
        res.status(503).json({ error: `${build} not built` });
        return;
      }
      scriptHeaders(res, etag, cacheControl);
      if (matchesEtag(req.get('if-none-match'), etag)) {
        res.status(304).end();
        return;
      }
      res.send(script);
    };
  router.get(`/${build}`, serve('public, max-age=300'));
  if (script)
    router.get(`/${pixelInfo(script, build).file}`, serve('public, max-age=31536000, immutable'));
}

/**
 * `GET /pixel.js` and `GET /pixel.debug.js` (short cache, revalidated with a strong ETag),
 * and the same bytes at `GET /pixel.<hash>.js` and `GET /pixel.debug.<hash>.js` (immutable,
 * for pinning with Subresource Integrity). The debug build is read beside the pixel unless
 * given.
 */
export function pixelRouter(
  script: Buffer | null,
  debugScript: Buffer | null = readPixelScript(silentLogger, 'pixel.debug.js'),
): Router {
  const router = Router();
  serveBuild(router, 'pixel.js', script);
  serveBuild(router, 'pixel.debug.js', debugScript);
  return router;
}
