import { describe, expect, it } from 'vitest';
import { captureReferral } from './referral';

describe('captureReferral', () => {
  it('takes the referral id and utm_* context from the landing URL', () => {
    const url = 'https://p.example/?clm_ref=R1&utm_source=clm&utm_campaign=spring&plan=pro';
    expect(captureReferral(url, 'clm_ref', 42)).toEqual({
      id: 'R1',
      at: 42,
      utm: { source: 'clm', campaign: 'spring' },
    });
  });

  it('returns nothing without the referral parameter, or with an empty one', () => {
    expect(captureReferral('https://p.example/?utm_source=clm', 'clm_ref', 1)).toBeUndefined();
    expect(captureReferral('https://p.example/?clm_ref=', 'clm_ref', 1)).toBeUndefined();
  });

  it('honours a renamed parameter', () => {
    expect(captureReferral('https://p.example/?mkt=R2', 'mkt', 1)?.id).toBe('R2');
    expect(captureReferral('https://p.example/?clm_ref=R2', 'mkt', 1)).toBeUndefined();
  });

  it('drops control characters from the referral id', () => {
    expect(captureReferral('https://p.example/?clm_ref=R%0A1%C2%85', 'clm_ref', 1)?.id).toBe('R1');
    expect(captureReferral('https://p.example/?clm_ref=%0A%0D', 'clm_ref', 1)).toBeUndefined();
  });

  it('trims the referral to the limits the collector accepts', () => {
    const many = Array.from({ length: 15 }, (_, i) => `utm_k${'x'.repeat(i)}=v`).join('&');
    const url = `https://p.example/?clm_ref=${'r'.repeat(300)}&utm_Bad-Key=1&utm_long=${'v'.repeat(400)}&${many}`;
    const ref = captureReferral(url, 'clm_ref', 1);
    expect(ref?.id).toHaveLength(128);
    expect(ref?.utm.long).toHaveLength(256);
    expect(Object.keys(ref?.utm ?? {})).toHaveLength(10);
    expect(ref?.utm).not.toHaveProperty('Bad-Key');
  });
});
