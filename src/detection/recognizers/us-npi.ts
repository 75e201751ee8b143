import { npiValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** National Provider Identifiers: 10 digits, Luhn with the 80840 prefix. */
export const usNpiRecognizer = new PatternRecognizer({
  name: 'UsNpiRecognizer',
  type: 'US_NPI',
  minDigits: 10,
  context: [
    'npi',
    'national provider',
    'provider',
    'prescriber',
    'physician',
    'provider id',
    'billing provider',
    'rendering',
  ],
  patterns: [
    {
      name: 'npi',
      regex: /(?<![\w.-])[12]\d{9}(?![\w-]|\.\d)/g,
      score: 0.45,
      requires: /[12]\d{9}/,
    },
  ],
  validate: (value) => (npiValid(value) ? 'keep' : 'drop'),
});
