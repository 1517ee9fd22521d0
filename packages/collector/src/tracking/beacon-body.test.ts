import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isPlainBody } from './beacon-body.js';

const head = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const plain = { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '120' };

describe('which beacon bodies are read in one go', () => {
  it.each([
    ['the pixel’s', plain],
    ['1 byte', { ...plain, 'content-length': '1' }],
    ['8 KB', { ...plain, 'content-length': '8192' }],
  ])('reads %s directly', (_name, headers) => {
    expect(isPlainBody(head(headers))).toBe(true);
  });

  it.each([
    ['an empty body', { ...plain, 'content-length': '0' }],
    ['over 8 KB', { ...plain, 'content-length': '8193' }],
    ['no length', { 'content-type': 'text/plain' }],
    ['a length that is no number', { ...plain, 'content-length': 'x' }],
    ['chunked', { ...plain, 'transfer-encoding': 'chunked' }],
    ['gzip', { ...plain, 'content-encoding': 'gzip' }],
  ])('leaves %s to body-parser', (_name, headers) => {
    expect(isPlainBody(head(headers))).toBe(false);
  });
});
