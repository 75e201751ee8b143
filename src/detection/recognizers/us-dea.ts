import { deaValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** DEA registration numbers: registrant letter, name letter, 7 digits with a check digit. */
export const usDeaRecognizer = new PatternRecognizer({
  name: 'UsDeaRecognizer',
  type: 'US_DEA',
  minDigits: 7,
  context: ['dea', 'dea number', 'dea #', 'registration', 'prescriber', 'controlled'],
  patterns: [{ name: 'dea', regex: /\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b/g, score: 0.85 }],
  validate: (value) => (deaValid(value) ? 'keep' : 'drop'),
});
