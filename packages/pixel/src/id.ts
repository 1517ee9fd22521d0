import { now } from './globals';

/**
 * A unique event id, so the collector can drop a beacon it already has. Time plus ~52
 * random bits: collisions are negligible and no secure context is needed.
 */
export const eventId = (): string => now() + String(Math.random()).slice(2);
