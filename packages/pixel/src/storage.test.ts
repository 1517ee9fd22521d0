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
    write('clm_t', { id: 'R1' });
    expect(localStorage.getItem('clm_t')).toBe('{"id":"R1"}');
    expect(read('clm_t')).toEqual({ id: 'R1' });
  });

  it('remembers in memory, and writes no cookie, when localStorage throws', () => {
    breakLocalStorage();
    write('clm_m', { id: 'R 1;x' });
    expect(read('clm_m')).toEqual({ id: 'R 1;x' });
    expect(document.cookie).toBe('');
  });

  it('remembers in memory when localStorage refuses a write (full, old private modes)', () => {
    localStorage.setItem('clm_q', '1');
    const full = new Proxy(localStorage, {
      set: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    });
    vi.spyOn(window, 'localStorage', 'get').mockReturnValue(full);
    write('clm_q', 7);
    // The page's latest write wins over what localStorage still holds.
    expect(read('clm_q')).toBe(7);
  });

  it('reads nothing for a missing or corrupt entry', () => {
    expect(read('clm_none')).toBeUndefined();
    localStorage.setItem('clm_t', '{not json');
    expect(read('clm_t')).toBeUndefined();
  });
});
