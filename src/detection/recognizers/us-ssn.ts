import { ssnVerdict } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

export const SSN_CONTEXT = [
  'ssn',
  'ssns',
  'social security',
  'social sec',
  'ss#',
  'ss #',
  'ssa',
  'taxpayer',
  'tin',
];

/** US Social Security numbers; area/group/serial rules, advertising and sample numbers. */
export const usSsnRecognizer = new PatternRecognizer({
  name: 'UsSsnRecognizer',
  type: 'US_SSN',
  minDigits: 4,
  context: SSN_CONTEXT,
  patterns: [
    {
      name: 'ssn_dashed',
      regex: /(?<![\w.-])\d{3}-\d{2}-\d{4}(?![\w-]|\.\d)/g,
      score: 0.6,
      requires: /\d{3}-\d{2}-\d{4}/,
    },
    {
      name: 'ssn_spaced',
      regex: /(?<![\w.-])\d{3} \d{2} \d{4}(?![\w-]|\.\d)/g,
      score: 0.4,
      requires: /\d{3} \d{2} \d{4}/,
    },
    {
      name: 'ssn_dotted',
      regex: /(?<![\w.-])\d{3}\.\d{2}\.\d{4}(?![\w-]|\.\d)/g,
      score: 0.3,
      requires: /\d{3}\.\d{2}\.\d{4}/,
      requiresContext: true,
    },
    {
      name: 'ssn_bare',
      minDigits: 9,
      regex: /(?<![\w.-])\d{9}(?![\w-]|\.\d)/g,
      score: 0.3,
      requires: /\d{9}/,
      requiresContext: true,
    },
  ],
  validate: (value) => {
    const verdict = ssnVerdict(value);
    if (verdict === 'invalid') return 'drop';
    return verdict === 'placeholder' ? 0.2 : 'keep';
  },
});
