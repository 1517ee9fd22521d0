import type { IncomingMessage, ServerResponse } from 'node:http';
import { readUtf8Body } from '../http/read-body.js';
import type { BeaconIntake } from './beacon-intake.js';
import { MAX_BEACON_BYTES } from './beacon-route.js';

// The content types the pixel and ordinary clients send, in UTF-8 or no charset named.
// Any other spelling body-parser might still take goes to the route, which decides.
const PLAIN_TYPE = /^(?:text\/plain|application\/json)(?:; *charset=(?:utf-?8|"utf-?8"))?$/i;

/**
 * Whether a request is a beacon as browsers send it, told from its head alone:
 * `POST /beacon` with a `Content-Length` of 1 to 8 KB, no `Content-Encoding` or
 * `Transfer-Encoding`, and a plain text or JSON type in UTF-8. Those can be read in one
 * go without body-parser; everything else is left to the Express route.
 */
export function isPlainBeacon(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/beacon') return false;
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined)
    return false;
  const length = Number(headers['content-length']);
  if (!(length >= 1 && length <= MAX_BEACON_BYTES)) return false;
  const type = headers['content-type'];
  return type !== undefined && PLAIN_TYPE.test(type);
}

/**
 * `POST /beacon` for a request {@link isPlainBeacon} took, from the origin check on: the same
 * steps as the route's, with the body read once under the same cap. What the route's body
 * parser would fail with (a client gone before the end) goes to `onError` as its error would.
 */
export function takeBeacon(
  intake: BeaconIntake,
  req: IncomingMessage,
  res: ServerResponse,
  onError: (error: unknown, req: IncomingMessage, res: ServerResponse) => void,
): void {
  if (!intake.admit(req, res)) return;
  readUtf8Body(req, MAX_BEACON_BYTES, (error, text) => {
    if (error) return onError(Object.assign(new Error(error.type), error), req, res);
    // Called from a stream event: nothing above would catch what is thrown here.
    try {
      intake.take(text, req, res);
    } catch (thrown) {
      onError(thrown, req, res);
    }
  });
}
