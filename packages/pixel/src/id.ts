/**
 * A unique event id, so the collector can drop a beacon it already has. Time plus ~52
 * random bits: collisions are negligible and no secure context is needed.
 */
export const eventId = (): string => Date.now().toString(36) + Math.random().toString(36).slice(2);

/** A string hash: lets the browser remember a customer without storing their id. */
export const hash = (text: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
};
