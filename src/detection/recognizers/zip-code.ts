import { PatternRecognizer } from './pattern-recognizer';
import { STATE_CODE_ALTERNATION, STATE_NAME_ALTERNATION } from './us-states';

/** US ZIP codes: after a state ("IL 62704") or with a "zip"/"postal" word near them. */
export const zipCodeRecognizer = new PatternRecognizer({
  name: 'ZipCodeRecognizer',
  type: 'ZIP_CODE',
  context: ['zip', 'zipcode', 'zip code', 'postal', 'postal code', 'postcode', 'mailing'],
  patterns: [
    {
      name: 'zip_after_state',
      regex: new RegExp(
        `(?=\\d{5})(?<=\\b(?:${STATE_CODE_ALTERNATION}|${STATE_NAME_ALTERNATION})\\.?,?\\s{1,2})\\d{5}(?:-\\d{4})?(?![\\w-]|\\.\\d)`,
        'g',
      ),
      score: 0.85,
      // A state ends in a letter; every match has it right before the five digits.
      requires: /[A-Za-z]\.?,?\s{1,2}\d{5}/,
    },
    {
      name: 'zip_bare',
      regex: /(?<![\w.$€£-])\d{5}(?:-\d{4})?(?![\w-]|\.\d)/g,
      score: 0.4,
      requiresContext: true,
    },
  ],
  validate: (value) => (value.startsWith('00000') ? 'drop' : 'keep'),
});
