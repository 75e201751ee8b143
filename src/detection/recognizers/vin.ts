import { vinCheckDigitValid, vinShapeValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** Vehicle identification numbers: 17 characters without I, O, Q; check digit when present. */
export const vinRecognizer = new PatternRecognizer({
  name: 'VinRecognizer',
  type: 'VIN',
  context: ['vin', 'vehicle', 'chassis', 'car', 'truck', 'vehicle identification'],
  patterns: [{ name: 'vin', regex: /\b[A-HJ-NPR-Z0-9]{17}\b/g, score: 0.4, requiresContext: true }],
  validatorLiftsContext: true,
  validate: (value) => {
    if (!vinShapeValid(value)) return 'drop';
    if (vinCheckDigitValid(value)) return { score: 0.95, requiresContext: false };
    // North American VINs (WMI 1-5) always carry a check digit; elsewhere position 9 is free.
    return /^[1-5]/.test(value) ? 'drop' : 'keep';
  },
});
