import { luhnValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

interface IssuerRange {
  prefixes: readonly [number, number][];
  lengths: readonly number[];
}

// Issuer identification ranges (first digits) and allowed lengths.
const ISSUERS: readonly IssuerRange[] = [
  { prefixes: [[4, 4]], lengths: [13, 16, 19] }, // Visa
  {
    prefixes: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  }, // Mastercard
  {
    prefixes: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  }, // American Express
  {
    prefixes: [
      [6011, 6011],
      [644, 649],
      [65, 65],
      [622126, 622925],
    ],
    lengths: [16, 17, 18, 19],
  }, // Discover
  {
    prefixes: [
      [300, 305],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  }, // Diners Club
  { prefixes: [[3528, 3589]], lengths: [16, 17, 18, 19] }, // JCB
  {
    prefixes: [
      [62, 62],
      [81, 81],
    ],
    lengths: [16, 17, 18, 19],
  }, // UnionPay
  {
    prefixes: [
      [50, 50],
      [56, 69],
      [6759, 6759],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  }, // Maestro
  { prefixes: [[2200, 2204]], lengths: [16, 17, 18, 19] }, // Mir
];

export function issuerMatches(digits: string): boolean {
  return ISSUERS.some(
    (issuer) =>
      issuer.lengths.includes(digits.length) &&
      issuer.prefixes.some(([lo, hi]) => {
        const n = Number(digits.slice(0, String(lo).length));
        return n >= lo && n <= hi;
      }),
  );
}

/** Separators must be used consistently: all spaces, all dashes, or none. */
function separatorsConsistent(value: string): boolean {
  const seps = value.replace(/\d/g, '');
  return seps === '' || seps === seps[0].repeat(seps.length);
}

/** Payment card numbers: issuer range, length and Luhn. */
export const creditCardRecognizer = new PatternRecognizer({
  name: 'CreditCardRecognizer',
  type: 'CREDIT_CARD',
  minDigits: 1,
  context: [
    'card',
    'credit',
    'debit',
    'visa',
    'mastercard',
    'amex',
    'american express',
    'discover',
    'cc',
    'pan',
    'payment',
  ],
  patterns: [
    // A digit then up to 18 (separator? digit) pairs; bounded, one separator class, linear.
    { name: 'card_number', regex: /(?<![\w.-])\d(?:[ -]?\d){11,18}(?![\w-]|\.\d)/g, score: 0.5 },
  ],
  validate: (value) => {
    const digits = value.replace(/\D/g, '');
    if (!separatorsConsistent(value) || !issuerMatches(digits) || !luhnValid(digits)) return 'drop';
    if (/^(\d)\1+$/.test(digits)) return 'drop';
    return 1;
  },
});
