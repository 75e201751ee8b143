import { PatternRecognizer } from './pattern-recognizer';

/** ICD-10-CM diagnosis codes; short codes look like many things, so a diagnosis word decides. */
export const icd10CodeRecognizer = new PatternRecognizer({
  name: 'Icd10CodeRecognizer',
  type: 'ICD10_CODE',
  context: ['icd', 'icd-10', 'icd10', 'icd-10-cm', 'diagnosis', 'diagnoses', 'dx', 'code', 'codes', 'diagnosed', 'condition', 'primary', 'secondary', 'assessment'],
  requiresContext: true,
  patterns: [
    { name: 'icd10_dotted', regex: /\b[A-TV-Z]\d[0-9AB]\.[0-9A-TV-Z]{1,4}\b/g, score: 0.6 },
    { name: 'icd10_short', regex: /\b[A-TV-Z]\d[0-9AB](?![\w.-])/g, score: 0.4 },
  ],
});
