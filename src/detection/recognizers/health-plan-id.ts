import { PatternRecognizer } from './pattern-recognizer';

const MBI_LETTER = '[AC-HJKMNP-RT-Y]';

/** Health plan beneficiary and member ids: Medicare MBI by shape, others by their label. */
export const healthPlanIdRecognizer = new PatternRecognizer({
  name: 'HealthPlanIdRecognizer',
  type: 'HEALTH_PLAN_ID',
  minDigits: 1,
  context: [
    'member id',
    'member',
    'health plan',
    'plan id',
    'insurance',
    'insurer',
    'policy',
    'policy number',
    'subscriber',
    'medicaid',
    'medicare',
    'mbi',
    'beneficiary',
    'group number',
    'group',
    'coverage',
    'hicn',
    'payer',
    'insured',
  ],
  requiresContext: true,
  patterns: [
    {
      name: 'medicare_mbi',
      regex: new RegExp(
        `\\b[1-9]${MBI_LETTER}[${MBI_LETTER.slice(1, -1)}0-9]\\d-?${MBI_LETTER}[${MBI_LETTER.slice(1, -1)}0-9]\\d-?${MBI_LETTER}{2}\\d{2}\\b`,
        'g',
      ),
      score: 0.6,
    },
    {
      name: 'plan_id_alnum',
      minDigits: 6,
      regex: /(?<![\w.-])[A-Z]{1,4}-?\d{6,12}(?:-\d{1,3})?(?![\w-]|\.\d)/g,
      score: 0.45,
    },
    {
      name: 'plan_id_digits',
      minDigits: 9,
      regex: /(?<![\w.-])\d{9,12}[A-Z]{0,2}(?![\w-]|\.\d)/g,
      score: 0.4,
      requires: /\d{9}/,
    },
  ],
});
