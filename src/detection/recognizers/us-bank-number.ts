import { PatternRecognizer } from './pattern-recognizer';

/** US bank account numbers have no checksum: only a nearby word like "account" makes them one. */
export const usBankNumberRecognizer = new PatternRecognizer({
  name: 'UsBankNumberRecognizer',
  type: 'US_BANK_NUMBER',
  minDigits: 8,
  context: [
    'account',
    'acct',
    'bank',
    'checking',
    'savings',
    'deposit',
    'account number',
    'acc no',
    'acct no',
  ],
  requiresContext: true,
  patterns: [
    {
      name: 'bank_digits',
      regex: /(?<![\w.-])\d{8,17}(?![\w-]|\.\d)/g,
      score: 0.4,
      requires: /\d{8}/,
    },
  ],
  validate: (value) => (/^(\d)\1+$/.test(value) ? 'drop' : 'keep'),
});
