import { PatternRecognizer } from './pattern-recognizer';

/** US passport numbers: 9 digits, or a letter and 8 digits (next-generation books). */
export const usPassportRecognizer = new PatternRecognizer({
  name: 'UsPassportRecognizer',
  type: 'US_PASSPORT',
  minDigits: 8,
  context: ['passport', 'passport number', 'passport no', 'passport #', 'travel document', 'ppt'],
  requiresContext: true,
  patterns: [
    {
      name: 'passport_digits',
      minDigits: 9,
      regex: /(?<![\w.-])\d{9}(?![\w-]|\.\d)/g,
      score: 0.45,
      requires: /\d{9}/,
    },
    {
      name: 'passport_next_gen',
      regex: /(?<![\w.-])[A-Z]\d{8}(?![\w-]|\.\d)/g,
      score: 0.5,
      requires: /[A-Z]\d{8}/,
    },
  ],
});
