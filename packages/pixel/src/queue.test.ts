import { afterEach, describe, expect, it, vi } from 'vitest';
import { replayQueue } from './queue';
import type { Api } from './types';

// The stub exactly as PRODUCT.md documents it.
const installStub = () => {
  const w = window as unknown as {
    clmPixel: { q: unknown[]; purchase: (...args: unknown[]) => void };
  };
  w.clmPixel = w.clmPixel || {
    q: [],
    purchase: (...args: unknown[]) => {
      w.clmPixel.q.push(['purchase', args]);
    },
  };
  return w.clmPixel;
};

afterEach(() => {
  delete window.clmPixel;
});

const fakeApi = () => {
  const calls: unknown[] = [];
  const api: Api = {
    purchase: vi.fn((id: unknown) => {
      calls.push(id);
      return Promise.resolve({ sent: true });
    }),
    referral: vi.fn(() => null),
  };
  return { api, calls };
};

describe('replayQueue', () => {
  it('replays calls queued by the stub, in order, then takes calls directly', () => {
    const stub = installStub();
    stub.purchase('first');
    stub.purchase('second');
    const { api, calls } = fakeApi();
    replayQueue(api);
    expect(calls).toEqual(['first', 'second']);
    expect(window.clmPixel).toBe(api);
    window.clmPixel?.purchase?.('third');
    expect(calls).toEqual(['first', 'second', 'third']);
  });

  it('installs the API when the page has no stub', () => {
    const { api } = fakeApi();
    replayQueue(api);
    expect(window.clmPixel).toBe(api);
  });

  it('skips queued calls to unknown methods and keeps going', () => {
    window.clmPixel = {
      q: [
        ['track', []],
        ['purchase', ['c-1']],
      ],
    };
    const { api, calls } = fakeApi();
    expect(() => replayQueue(api)).not.toThrow();
    expect(calls).toEqual(['c-1']);
  });
});
