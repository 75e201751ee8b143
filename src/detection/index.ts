/**
 * Public surface of the detection module. Pure: no Nest, no I/O in the hot path.
 * Callers (tokens, discovery, HTTP) use only what is exported here.
 */
export type { CustomRecognizerConfig, DetectedEntity, DetectOptions, Explanation } from './types';
export { DetectionEngine, DEFAULT_MIN_SCORE } from './engine';
export { validateCustomPattern, validateCustomRecognizer } from './custom';

export const BUILTIN_ENTITY_TYPES = [
  'PERSON',
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'US_SSN',
  'US_ITIN',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_BANK_NUMBER',
  'ABA_ROUTING_NUMBER',
  'IP_ADDRESS',
  'MAC_ADDRESS',
  'URL',
  'DATE_TIME',
  'LOCATION',
  'STREET_ADDRESS',
  'ZIP_CODE',
  'ORGANIZATION',
  'US_DRIVER_LICENSE',
  'US_PASSPORT',
  'MEDICAL_RECORD_NUMBER',
  'US_NPI',
  'US_DEA',
  'HEALTH_PLAN_ID',
  'MEDICAL_LICENSE',
  'ICD10_CODE',
  'AGE',
  'CRYPTO',
  'VIN',
  'API_KEY',
  'USERNAME',
] as const;

export type BuiltinEntityType = (typeof BUILTIN_ENTITY_TYPES)[number];
