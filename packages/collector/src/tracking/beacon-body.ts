import type { IncomingMessage } from 'node:http';
import express, { type Request } from 'express';
import { isUtf8ContentType } from '../http/charset.js';
import { readUtf8Body } from '../http/read-body.js';

/** Largest beacon accepted, in bytes. */
export const MAX_BEACON_BYTES = 8 * 1024;

/** The body types a beacon may come as. */
export const BEACON_TYPES = ['text/plain', 'application/json'];

// The types the pixel and ordinary clients send, in UTF-8 or no charset named: told by one
// test, where type-is would parse the header.
const PLAIN_TYPE = /^(?:text\/plain|application\/json)(?:; *charset=(?:utf-?8|"utf-?8"))?$/i;

/** Whether a beacon's `Content-Type` is one it may come as: text or JSON, in UTF-8. */
export function isBeaconType(req: Request): boolean {
  const type = req.headers['content-type'];
  if (type !== undefined && PLAIN_TYPE.test(type)) return true;
  return req.is(BEACON_TYPES) !== false && isUtf8ContentType(type);
}

/**
 * Whether a body can be read in one go, as browsers send beacons: a `Content-Length` of
 * 1 to 8 KB, no `Content-Encoding` or `Transfer-Encoding`. Everything else (chunked,
 * compressed, empty, oversize) is read by body-parser, which knows those framings.
 */
export function isPlainBody(req: IncomingMessage): boolean {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined)
    return false;
  const length = Number(headers['content-length']);
  return length >= 1 && length <= MAX_BEACON_BYTES;
}

/** Why a body could not be read: body-parser's error, or one with its `status` and `type`. */
export type BodyFailure = Error & { status?: number; type?: string };

const parseText = express.text({ type: BEACON_TYPES, limit: MAX_BEACON_BYTES });

/**
 * Reads a beacon's body as text (UTF-8, without a byte-order mark) under the 8 KB cap, once.
 * A plain body is read directly (body-parser's cost is a good part of a beacon's); the
 * rest by body-parser, as before. `done` gets the text (empty without a body) or the failure
 * body-parser would have reported.
 */
export function readBeaconBody(
  req: Request,
  done: (error: BodyFailure | null, text: string) => void,
): void {
  if (isPlainBody(req)) {
    readUtf8Body(req, MAX_BEACON_BYTES, (error, text) =>
      error ? done(Object.assign(new Error(error.type), error), '') : done(null, text),
    );
    return;
  }
  parseText(req, req.res as NonNullable<Request['res']>, (error?: unknown) =>
    error ? done(error as BodyFailure, '') : done(null, (req.body as string | undefined) ?? ''),
  );
}
