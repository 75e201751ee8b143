import { ibanValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** International bank account numbers: country length and mod-97. */
export const ibanRecognizer = new PatternRecognizer({
  name: 'IbanRecognizer',
  type: 'IBAN_CODE',
  minDigits: 2,
  context: ['iban', 'bank', 'account', 'transfer', 'wire', 'sepa', 'bic', 'swift'],
  patterns: [
    { name: 'iban_compact', regex: /\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/g, score: 0.5 },
    {
      name: 'iban_grouped',
      regex: /\b[A-Z]{2}\d{2}(?:[ -][A-Z0-9]{4}){2,7}(?:[ -][A-Z0-9]{1,3})?\b/g,
      score: 0.5,
    },
  ],
  validate: (value) => (ibanValid(value) ? 1 : 'drop'),
});
