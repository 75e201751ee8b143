import { itinValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** US Individual Taxpayer Identification Numbers: 9xx area and a reserved group range. */
export const usItinRecognizer = new PatternRecognizer({
  name: 'UsItinRecognizer',
  type: 'US_ITIN',
  minDigits: 4,
  context: ['itin', 'individual taxpayer', 'taxpayer identification', 'tax id', 'tin'],
  patterns: [
    {
      name: 'itin_dashed',
      regex: /(?<![\w.-])9\d{2}-\d{2}-\d{4}(?![\w-]|\.\d)/g,
      score: 0.6,
      requires: /9\d{2}-\d{2}-\d{4}/,
    },
    {
      name: 'itin_spaced',
      regex: /(?<![\w.-])9\d{2} \d{2} \d{4}(?![\w-]|\.\d)/g,
      score: 0.4,
      requires: /9\d{2} \d{2} \d{4}/,
    },
    {
      name: 'itin_bare',
      minDigits: 9,
      regex: /(?<![\w.-])9\d{8}(?![\w-]|\.\d)/g,
      score: 0.3,
      requiresContext: true,
    },
  ],
  validate: (value) => (itinValid(value) ? 'keep' : 'drop'),
});
