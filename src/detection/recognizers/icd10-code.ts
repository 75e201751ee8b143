import { PatternRecognizer } from './pattern-recognizer';

/** ICD-10-CM diagnosis codes; short codes look like many things, so a diagnosis word decides. */
export const icd10CodeRecognizer = new PatternRecognizer({
  name: 'Icd10CodeRecognizer',
  type: 'ICD10_CODE',
  context: ['icd', 'icd-10', 'icd10', 'icd-10-cm', 'diagnosis', 'diagnoses', 'dx', 'code', 'codes', 'diagnosed', 'condition', 'primary', 'secondary', 'assessment', 'disease', 'disorder', 'syndrome', 'history', 'hx', 'fracture', 'neoplasm', 'infection', 'chronic', 'acute', 'encounter', 'stage', 'episode', 'type', 'impression', 'problem'],
  requiresContext: true,
  patterns: [
    // The dotted form is specific enough to stand alone at a modest score.
    { name: 'icd10_dotted', regex: /\b[A-TV-Z]\d[0-9AB]\.[0-9A-TV-Z]{1,4}\b/g, score: 0.45, requiresContext: false },
    { name: 'icd10_short', regex: /\b[A-TV-Z]\d[0-9AB](?![\w-]|\.\w)/g, score: 0.4 },
  ],
});
