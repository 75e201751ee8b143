import { PatternRecognizer } from './pattern-recognizer';

/** Medical record numbers have no standard shape: the label ("MRN", "chart #") decides. */
export const medicalRecordNumberRecognizer = new PatternRecognizer({
  name: 'MedicalRecordNumberRecognizer',
  type: 'MEDICAL_RECORD_NUMBER',
  minDigits: 1,
  context: [
    'mrn',
    'mr#',
    'mr #',
    'medical record',
    'record number',
    'record #',
    'record no',
    'chart',
    'chart #',
    'patient id',
    'patient #',
    'patient number',
    'hospital number',
    'emr',
    'ehr',
  ],
  requiresContext: true,
  patterns: [
    {
      name: 'mrn_labelled',
      regex:
        /(?<=\b(?:MRN|MR#|MR No\.?|Medical Record(?: Number| No\.?| #)?)[\s:#.-]{0,4})[A-Z]{0,4}-?\d[\d-]{3,14}\d\b/gi,
      score: 0.85,
      // The label and the number's start, which every match has ("mr" alone is in "summary").
      requires:
        /\b(?:MRN|MR#|MR No\.?|Medical Record(?: Number| No\.?| #)?)[\s:#.-]{0,4}[A-Z]{0,4}-?\d/i,
    },
    {
      name: 'mrn_shape',
      minDigits: 5,
      regex: /(?<![\w.-])[A-Z]{0,4}-?\d{5,12}(?![\w-]|\.\d)/g,
      score: 0.45,
    },
  ],
});
