import type { IncomingMessage } from 'node:http';

/** Why a body could not be read: body-parser's `type` and status for the same failure. */
export interface BodyError {
  status: number;
  type: 'entity.too.large' | 'request.aborted';
}

/**
 * Reads a request body of at most `limit` bytes, once, as UTF-8 text without a leading
 * byte-order mark (as body-parser's `text()` decodes UTF-8). The caller has checked the
 * declared `Content-Length` against `limit`; bytes past it (which Node's parser does not
 * let through) would still stop the read. Calls `done` once: with the text, or with an
 * error when the limit is passed or the client goes away first.
 */
export function readUtf8Body(
  req: IncomingMessage,
  limit: number,
  done: (error: BodyError | null, text: string) => void,
): void {
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const settle = (error: BodyError | null, text = '') => {
    if (settled) return;
    settled = true;
    done(error, text);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.pause();
      return settle({ status: 413, type: 'entity.too.large' });
    }
    if (first === undefined) first = chunk;
    else if (rest === undefined) rest = [first, chunk];
    else rest.push(chunk);
  });
  req.once('end', () => {
    const bytes = rest ? Buffer.concat(rest, size) : (first ?? Buffer.alloc(0));
    const text = bytes.toString('utf8');
    settle(null, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  });
  // A client gone before the end destroys the request, which always emits 'close'.
  req.once('close', () => {
    if (!req.complete) settle({ status: 400, type: 'request.aborted' });
  });
}
