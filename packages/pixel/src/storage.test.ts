import { afterEach, describe, expect, it, vi } from 'vitest';
import { read, write } from './storage';
import { clearStorage } from './test-utils';

const breakLocalStorage = () =>
  vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
    throw new DOMException('blocked', 'SecurityError');
  });

afterEach(() => {
  vi.restoreAllMocks();
  clearStorage();
});

describe('storage', () => {
  it('round-trips JSON through localStorage', () => {
    write('clm_t', { id: 'R1' }, 1000);
    expect(localStorage.getItem('clm_t')).toBe('{"id":"R1"}');
    expect(read('clm_t')).toEqual({ id: 'R1' });
  });

  it('falls back to a first-party cookie when localStorage throws', () => {
    breakLocalStorage();
    write('clm_t', { id: 'R 1;x' }, 864e5);
    expect(document.cookie).toContain('clm_t=');
    expect(read('clm_t')).toEqual({ id: 'R 1;x' });
  });

  it('reads nothing, and never throws, when both localStorage and cookies throw', () => {
    breakLocalStorage();
    const fail = () => {
      throw new Error('cookies disabled');
    };
    Object.defineProperty(document, 'cookie', { get: fail, set: fail, configurable: true });
    try {
      expect(() => write('clm_t', 1, 1000)).not.toThrow();
      expect(read('clm_t')).toBeUndefined();
    } finally {
      // Uncovers the prototype's cookie accessor again.
      delete (document as { cookie?: string }).cookie;
    }
  });

  it('reads nothing for a missing or corrupt entry', () => {
    expect(read('clm_none')).toBeUndefined();
    localStorage.setItem('clm_t', '{not json');
    expect(read('clm_t')).toBeUndefined();
  });
});
