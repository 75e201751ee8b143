import { luhnValid } from '../../detection/validators/luhn';
import { formatPreservingCandidates, mintFormatPreserving } from './format-preserving';
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
    const token = mintFormatPreserving('US_PASSPORT', 'Ab-1234 x', 2);
    expect(token).toMatch(/^[A-Z][a-z]-\d{3}4 x$/);
    expect(mintFormatPreserving('PHONE_NUMBER', '+1 (415) 555-0132', 0)).toMatch(
      /^\+\d \(\d{3}\) \d{3}-\d{4}$/,
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
