import { readLicenseLabel } from './license-label';
import { PatternRecognizer } from './pattern-recognizer';

/** US driver licence numbers vary by state; shapes are weak, so a licence word must be near. */
export const usDriverLicenseRecognizer = new PatternRecognizer({
  name: 'UsDriverLicenseRecognizer',
  type: 'US_DRIVER_LICENSE',
  minDigits: 1,
  context: [
    'driver',
    'drivers',
    "driver's",
    'driving',
    'dl',
    'dl#',
    'dln',
    'dmv',
    'license',
    'licence',
    'lic',
    'permit',
    'operator',
  ],
  requiresContext: true,
  // A clinician's licence or a licence plate is not a driver's licence.
  validate: (_value, text, start) => {
    const reading = readLicenseLabel(text, start);
    return reading === 'medical' || reading === 'plate' ? 'drop' : 'keep';
  },
  patterns: [
    {
      name: 'dl_letter_digits',
      minDigits: 4,
      regex: /(?<![\w.-])[A-Z]{1,2}\d{4,14}(?![\w-]|\.\d)/g,
      score: 0.45,
    },
    {
      name: 'dl_grouped',
      minDigits: 3,
      regex: /(?<![\w.-])[A-Z]\d{3}-\d{3,4}-\d{2,4}(?:-\d{1,3})?(?![\w-]|\.\d)/g,
      score: 0.5,
    },
    {
      name: 'dl_florida',
      minDigits: 3,
      regex: /(?<![\w.-])[A-Z]\d{3}-\d{3}-\d{2}-\d{3}-\d(?![\w-])/g,
      score: 0.6,
    },
    {
      name: 'dl_washington',
      minDigits: 0,
      regex: /(?<![\w.-])WDL[A-Z0-9*]{9}(?![\w-])/g,
      score: 0.6,
    },
    // Other alphanumeric licences: 8-13 characters mixing letters and digits, bounded lookaheads.
    {
      name: 'dl_alnum',
      regex: /(?<![\w.-])(?=[A-Z0-9]{0,12}\d)(?=[A-Z0-9]{0,12}[A-Z])[A-Z0-9]{8,13}(?![\w-])/g,
      score: 0.4,
    },
    { name: 'dl_digits', minDigits: 7, regex: /(?<![\w.-])\d{7,12}(?![\w-]|\.\d)/g, score: 0.35 },
  ],
});
