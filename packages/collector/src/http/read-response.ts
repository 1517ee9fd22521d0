/** A response's text as far as it was read, and whether there was more. */
export interface ReadResponse {
  text: string;
  /** More than the limit came: `text` is its beginning only. */
  more: boolean;
}

/**
 * Reads at most `limit` bytes of a fetch response as they arrive, then cancels the rest
 * (which closes the connection), so a huge or endless answer costs `limit` bytes, never its
 * size. Rejects as the body's stream does (a timeout's abort).
 */
export async function readResponse(response: Response, limit: number): Promise<ReadResponse> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      break;
    }
  }
  // A cut inside a character decodes to U+FFFD: a cut text is only shown or recorded.
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit));
  return { text, more: size > limit };
}
