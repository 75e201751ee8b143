import { readLicenseLabel } from './license-label';
import { PatternRecognizer } from './pattern-recognizer';

/** Medical licence numbers (state boards): letters and digits, decided by a licence label. */
export const medicalLicenseRecognizer = new PatternRecognizer({
  name: 'MedicalLicenseRecognizer',
  type: 'MEDICAL_LICENSE',
  minDigits: 4,
  context: [
    'medical license',
    'medical licence',
    'license number',
    'licence number',
    'license #',
    'license no',
    'lic #',
    'lic',
    'state license',
    'board',
    'physician',
    'nursing license',
    'rn license',
    'md license',
    'licensed',
    'medical board',
    // A bare "license" counts only where readLicenseLabel reads it as clinical (see validate).
    'license',
    'licence',
  ],
  requiresContext: true,
  validate: (_value, text, start) => {
    const reading = readLicenseLabel(text, start);
    return reading === 'driver' || reading === 'plate' ? 'drop' : 'keep';
  },
  patterns: [
    { name: 'license_alnum', regex: /(?<![\w.-])[A-Z]{1,3}-?\d{4,10}(?![\w-]|\.\d)/g, score: 0.5 },
    {
      name: 'license_state_coded',
      regex: /(?<![\w.-])\d{1,3}[A-Z]{1,3}\d{4,10}(?![\w-]|\.\d)/g,
      score: 0.55,
    },
    {
      name: 'license_digits',
      minDigits: 5,
      regex: /(?<![\w.-])\d{5,10}(?![\w-]|\.\d)/g,
      score: 0.35,
    },
  ],
});
