import { describe, expect, it } from 'vitest';
import { CONFIRM_TOKEN, CONFIRM_TTL_MS, checkConfirmToken, createConfirmToken } from './token.js';

const KEY = 'admin-token-0123456789';
const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('confirm tokens', () => {
  it('holds for the action and state it was made for, until it expires', () => {
    const token = createConfirmToken(KEY, 'close', '2025-03|a=1.5', NOW);
    expect(token).toMatch(CONFIRM_TOKEN);
    expect(checkConfirmToken(KEY, 'close', '2025-03|a=1.5', token, NOW + 1000)).toBe('valid');
    expect(checkConfirmToken(KEY, 'close', '2025-03|a=1.5', token, NOW + CONFIRM_TTL_MS)).toBe(
      'expired',
    );
  });

  it('reads as changed once the state, the action or the admin token differs', () => {
    const token = createConfirmToken(KEY, 'close', '2025-03|a=1.5', NOW);
    expect(checkConfirmToken(KEY, 'close', '2025-03|a=1.6', token, NOW)).toBe('changed');
    expect(checkConfirmToken(KEY, 'resend', '2025-03|a=1.5', token, NOW)).toBe('changed');
    expect(checkConfirmToken(`${KEY}x`, 'close', '2025-03|a=1.5', token, NOW)).toBe('changed');
    const [, signature] = token.split('.');
    const later = `${NOW + 2 * CONFIRM_TTL_MS}.${signature}`;
    expect(checkConfirmToken(KEY, 'close', '2025-03|a=1.5', later, NOW)).toBe('changed');
  });
});
