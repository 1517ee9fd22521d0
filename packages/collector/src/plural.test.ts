import { describe, expect, it } from 'vitest';
import { plural } from './plural.js';

describe('plural', () => {
  it('says 1 SKU and 2 SKUs, 0 reports, and takes a plural not made with s', () => {
    expect(plural(1, 'SKU')).toBe('1 SKU');
    expect(plural(2, 'SKU')).toBe('2 SKUs');
    expect(plural(0, 'usage report')).toBe('0 usage reports');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});
