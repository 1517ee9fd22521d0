import { describe, expect, it } from 'vitest';
import { createSession, isValidSession, readCookie, SESSION_TTL_MS } from './session.js';

const TOKEN = 'admin-token-0123456789';
const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('admin session', () => {
  it('is valid with the token that signed it until it expires', () => {
    const session = createSession(TOKEN, NOW);
    expect(isValidSession(session, TOKEN, NOW)).toBe(true);
    expect(isValidSession(session, TOKEN, NOW + SESSION_TTL_MS - 1)).toBe(true);
    expect(isValidSession(session, TOKEN, NOW + SESSION_TTL_MS)).toBe(false);
    expect(SESSION_TTL_MS).toBe(8 * 3_600_000);
  });

  it('never contains the token, and two sign-ins get different sessions', () => {
    const a = createSession(TOKEN, NOW);
    expect(a).not.toContain(TOKEN);
    expect(createSession(TOKEN, NOW)).not.toBe(a);
  });

  it('is refused once the admin token changes', () => {
    const session = createSession(TOKEN, NOW);
    expect(isValidSession(session, 'admin-token-0123456780', NOW)).toBe(false);
  });

  it('is refused when any part is tampered with', () => {
    const session = createSession(TOKEN, NOW);
    const [expires, nonce, mac] = session.split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const later = String(Number(expires) + 3_600_000);
    for (const forged of [
      `${later}.${nonce}.${mac}`,
      `${expires}.${flip(nonce)}.${mac}`,
      `${expires}.${nonce}.${flip(mac)}`,
      `${expires}.${nonce}.${mac.slice(0, -1)}`,
      `${expires}.${nonce}`,
      `${session}.x`,
      '',
      undefined,
    ])
      expect(isValidSession(forged, TOKEN, NOW), String(forged)).toBe(false);
  });
});

describe('readCookie', () => {
  it('finds one cookie among others', () => {
    expect(readCookie('a=1; clm_admin=xyz; b=2', 'clm_admin')).toBe('xyz');
    expect(readCookie('clm_admin_old=1', 'clm_admin')).toBeUndefined();
    expect(readCookie(undefined, 'clm_admin')).toBeUndefined();
  });
});
