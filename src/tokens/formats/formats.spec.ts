import { luhnValid } from '../../detection/validators/luhn';
import {
  formatPreservingCandidates,
  MIN_RANDOM_CHARS,
  mintFormatPreserving,
  NoFormatPreservingSpaceError,
} from './format-preserving';
import { maskValue } from './masking';

describe('format-preserving tokens', () => {
  it('turn a card into a Luhn-valid 999-prefixed number with the same layout and last four', () => {
    for (let i = 0; i < 200; i++) {
      const token = mintFormatPreserving('CREDIT_CARD', '4111 1111 1111 1111', 4);
      expect(token).toMatch(/^999\d \d{4} \d{4} 1111$/);
      expect(luhnValid(token.replace(/\D/g, ''))).toBe(true);
    }
    const amex = mintFormatPreserving('CREDIT_CARD', '3782-822463-10005', 0);
    expect(amex).toMatch(/^999\d-\d{6}-\d{5}$/);
    expect(luhnValid(amex.replace(/\D/g, ''))).toBe(true);
  });

  it('turn an email into an address in the reserved .invalid domain', () => {
    expect(mintFormatPreserving('EMAIL_ADDRESS', 'Jane.Roe@example.com', 0)).toMatch(
      /^[a-z0-9]{10}@vault\.invalid$/,
    );
  });

  it('keep separators and character classes of other values', () => {
    const token = mintFormatPreserving('US_PASSPORT', 'Ab-12345 xy', 2);
    expect(token).toMatch(/^[A-Z][a-z]-\d{5} xy$/);
    expect(mintFormatPreserving('PHONE_NUMBER', '+1 (415) 555-0132', 0)).toMatch(
      /^\+\d \(\d{3}\) \d{3}-\d{4}$/,
    );
  });

  it('keep at least six characters random whatever keepLast asks (issue #12 F4)', () => {
    expect(MIN_RANDOM_CHARS).toBe(6);
    // A 10-digit phone with keepLast 8 would leave two random digits: only the last four stay.
    const phones = Array.from({ length: 300 }, () =>
      mintFormatPreserving('PHONE_NUMBER', '415-555-0132', 8),
    );
    for (const phone of phones) expect(phone).toMatch(/^\d{3}-\d{3}-0132$/);
    // The digit before the kept four is random: it takes more than one value across 300 mints.
    expect(new Set(phones.map((p) => p[6])).size).toBeGreaterThan(1);
    // A 13-digit card: prefix 999 and the check digit are fixed, so keepLast 4 keeps three.
    const cards = Array.from({ length: 300 }, () =>
      mintFormatPreserving('CREDIT_CARD', '4222222222225', 4),
    );
    for (const card of cards) {
      expect(card).toMatch(/^999\d{7}225$/);
      expect(luhnValid(card)).toBe(true);
    }
    expect(new Set(cards.map((c) => c.slice(3, 9))).size).toBeGreaterThan(250);
  });

  it('never return the value itself, and refuse a value with nothing to randomize', () => {
    for (let i = 0; i < 500; i++) {
      expect(mintFormatPreserving('EMPLOYEE_ID', '#7', 4)).not.toBe('#7');
      expect(mintFormatPreserving('EMPLOYEE_ID', 'x1', 0)).not.toBe('x1');
    }
    expect(() => mintFormatPreserving('EMPLOYEE_ID', '--', 0)).toThrow(
      NoFormatPreservingSpaceError,
    );
  });

  it('are found again in a model answer as candidates', () => {
    const card = mintFormatPreserving('CREDIT_CARD', '4111 1111 1111 1111', 4);
    const mail = mintFormatPreserving('EMAIL_ADDRESS', 'a@b.co', 0);
    const phone = mintFormatPreserving('PHONE_NUMBER', '(415) 555-0132', 0);
    const text = `Refunded ${card}, wrote to ${mail} and called ${phone}.`;
    const values = formatPreservingCandidates(text).map((c) => c.value);
    expect(values).toEqual(expect.arrayContaining([card, mail, phone]));
  });
});

describe('masked values', () => {
  it.each([
    ['CREDIT_CARD', '4111 1111 1111 4242', '**** **** **** 4242'],
    ['US_SSN', '123-45-6789', '***-**-6789'],
    ['EMAIL_ADDRESS', 'jane.roe@example.com', '********@example.com'],
    ['PHONE_NUMBER', '(415) 555-0132', '(***) ***-**32'],
    ['PERSON', 'jane van Roe', 'J. V. R.'],
    ['LOCATION', 'Paris', '*****'],
  ])('%s %s → %s', (type, value, masked) => {
    expect(maskValue(type, value)).toBe(masked);
  });

  it('never shows most of a short value', () => {
    expect(maskValue('US_BANK_NUMBER', '123456')).toBe('***456');
  });
});
