import { abaValid } from '../validators';
import { PatternRecognizer } from './pattern-recognizer';

/** ABA routing transit numbers: checksum-valid, but 9 digits are common, so context decides. */
export const abaRoutingRecognizer = new PatternRecognizer({
  name: 'AbaRoutingRecognizer',
  type: 'ABA_ROUTING_NUMBER',
  minDigits: 4,
  context: [
    'routing',
    'aba',
    'rtn',
    'transit',
    'routing number',
    'bank',
    'ach',
    'wire',
    'direct deposit',
  ],
  requiresContext: true,
  patterns: [
    {
      name: 'aba_compact',
      regex: /(?<![\w.-])[0-36-8]\d{8}(?![\w-]|\.\d)/g,
      score: 0.45,
      requires: /[0-36-8]\d{8}/,
    },
    {
      name: 'aba_dashed',
      regex: /(?<![\w.-])[0-36-8]\d{3}-\d{4}-\d(?![\w-]|\.\d)/g,
      score: 0.45,
      requires: /\d{4}-\d{4}-\d/,
    },
  ],
  validate: (value) => (abaValid(value) ? 'keep' : 'drop'),
});
