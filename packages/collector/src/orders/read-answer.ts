/** Most of the provider's answer read, in bytes: a larger 2xx is not a usable answer. */
export const MAX_PROVIDER_ANSWER_BYTES = 16 * 1024;

/** The answer's text as far as it was read, and whether there was more. */
export interface ReadAnswer {
  text: string;
  /** More than {@link MAX_PROVIDER_ANSWER_BYTES} came: `text` is its beginning only. */
  more: boolean;
}

/**
 * Reads at most {@link MAX_PROVIDER_ANSWER_BYTES} of a response as it arrives, then cancels
 * the rest (which closes the connection), so a provider's endless or huge answer costs the
 * collector 16 KB, never its size. Rejects as the body's stream does (a timeout's abort).
 */
export async function readAnswer(response: Response): Promise<ReadAnswer> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_PROVIDER_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  const bytes = Buffer.concat(chunks).subarray(0, MAX_PROVIDER_ANSWER_BYTES);
  // A cut inside a character decodes to U+FFFD: the text is only kept for the record then.
  return { text: new TextDecoder().decode(bytes), more: size > MAX_PROVIDER_ANSWER_BYTES };
}
