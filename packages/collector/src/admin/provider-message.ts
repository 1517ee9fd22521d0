/**
 * What a provider's answer says, for an operator: the `message` or `error` string of a
 * JSON body (`error.message` too), else the body as it came. A body cut short is no
 * longer JSON and reads as text. The caller cuts and escapes it for where it shows it.
 */
export function providerMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof json !== 'object' || json === null) return body;
  const { message, error } = json as { message?: unknown; error?: unknown };
  if (typeof message === 'string' && message.trim() !== '') return message;
  if (typeof error === 'string' && error.trim() !== '') return error;
  const nested =
    typeof error === 'object' && error !== null
      ? (error as { message?: unknown }).message
      : undefined;
  return typeof nested === 'string' && nested.trim() !== '' ? nested : body;
}
