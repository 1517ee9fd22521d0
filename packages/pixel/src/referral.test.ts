import { describe, expect, it } from 'vitest';
import { captureReferral } from './referral';
import { visit } from './test-utils';

const at = (path: string, param = 'clm_ref') => {
  visit(path);
  return captureReferral(param);
};

describe('captureReferral', () => {
  it('takes the referral id and utm_* context from the page URL', () => {
    const before = Date.now();
    expect(at('/?clm_ref=R1&utm_source=clm&utm_campaign=spring&plan=pro')).toEqual({
      id: 'R1',
      at: expect.any(Number),
      utm: { source: 'clm', campaign: 'spring' },
    });
    expect(at('/?clm_ref=R1')?.at).toBeGreaterThanOrEqual(before);
  });

  it('returns nothing without the referral parameter, or with an empty one', () => {
    expect(at('/?utm_source=clm')).toBeUndefined();
    expect(at('/?clm_ref=')).toBeUndefined();
  });

  it('honours a renamed parameter', () => {
    expect(at('/?mkt=R2', 'mkt')?.id).toBe('R2');
    expect(at('/?clm_ref=R2', 'mkt')).toBeUndefined();
  });

  it('drops control characters from the referral id', () => {
    expect(at('/?clm_ref=R%0A1%C2%85')?.id).toBe('R1');
    expect(at('/?clm_ref=%0A%0D')).toBeUndefined();
  });

  it('trims the referral to the limits the collector accepts', () => {
    const many = Array.from({ length: 15 }, (_, i) => `utm_k${'x'.repeat(i)}=v`).join('&');
    const ref = at(
      `/?clm_ref=${'r'.repeat(300)}&utm_Bad-Key=1&utm_long=${'v'.repeat(400)}&${many}`,
    );
    expect(ref?.id).toHaveLength(128);
    expect(ref?.utm.long).toHaveLength(170);
    expect(Object.keys(ref?.utm ?? {})).toHaveLength(10);
    expect(ref?.utm).not.toHaveProperty('Bad-Key');
  });
});
