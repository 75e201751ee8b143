import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DetectionEngine } from '../engine';
import { mayBeNanp } from './phone-number';

/** Deterministic digit strings in the shapes the phone candidate pattern lets through. */
function* writtenNumbers(count: number): Generator<string> {
  let seed = 20261201;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const prefixes = ['', '', '1 ', '1-', '11', '1 1 ', '011 ', '0', '310 '];
  const separators = [' ', '-', '.', ''];
  for (let i = 0; i < count; i++) {
    const separator = separators[next(separators.length)];
    let value = prefixes[next(prefixes.length)];
    const length = 6 + next(10);
    for (let d = 0; d < length; d++) {
      if (d > 0 && next(4) === 0) value += separator;
      value += String(next(10));
    }
    yield value;
  }
}

describe('phone numbers', () => {
  it('skips the US parse only for numbers libphonenumber would reject for the US', () => {
    let valid = 0;
    for (const value of writtenNumbers(20000)) {
      if (!parsePhoneNumberFromString(value, 'US')?.isValid()) continue;
      valid++;
      expect([value, mayBeNanp(value.replace(/\D/g, ''))]).toEqual([value, true]);
    }
    expect(valid).toBeGreaterThan(1000);
  });

  it('does not read an IPv4 address as a phone number', () => {
    const engine = new DetectionEngine();
    const text = 'call from 136.112.210.245 failed';
    expect(engine.detect(text, { entities: ['PHONE_NUMBER'] })).toEqual([]);
    expect(engine.detect(text).map((e) => e.type)).toEqual(['IP_ADDRESS']);
  });
});
