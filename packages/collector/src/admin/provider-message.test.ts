import { describe, expect, it } from 'vitest';
import { providerMessage } from './provider-message.js';

describe('providerMessage', () => {
  it('reads the message of a JSON refusal, not its braces and quotes', () => {
    const body = '{"message":"Accounts for blocked.example cannot be created here."}';
    expect(providerMessage(body)).toBe('Accounts for blocked.example cannot be created here.');
  });

  it('reads an error string, or an error object with a message', () => {
    expect(providerMessage('{"error":"quota reached"}')).toBe('quota reached');
    expect(providerMessage('{"error":{"code":7,"message":"no seats left"}}')).toBe('no seats left');
  });

  it('keeps a body that is not JSON, or JSON without a message, as it came', () => {
    expect(providerMessage('Service refused: blocked domain')).toBe(
      'Service refused: blocked domain',
    );
    expect(providerMessage('{"message":"cut sho')).toBe('{"message":"cut sho');
    expect(providerMessage('{"code":7}')).toBe('{"code":7}');
    expect(providerMessage('"just a string"')).toBe('"just a string"');
    expect(providerMessage('{"message":"  "}')).toBe('{"message":"  "}');
  });
});
