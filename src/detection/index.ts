/**
 * Public surface of the detection module. Pure: no Nest, no I/O.
 * Callers (tokens, discovery, HTTP) use only what is exported here.
 */
export interface DetectedEntity {
  /** Canonical entity type, e.g. EMAIL_ADDRESS or a custom UPPER_SNAKE type. */
  type: string;
  /** UTF-16 code-unit offset of the first character. */
  start: number;
  /** UTF-16 code-unit offset one past the last character (slice semantics). */
  end: number;
  /** Confidence in [0, 1]. */
  score: number;
  /** The matched text (text.slice(start, end)). */
  text: string;
  /** Which recognizer decided, for explanations. */
  recognizer: string;
}

export interface CustomRecognizerConfig {
  type: string;
  pattern: string;
  score: number;
  context?: readonly string[];
}

export interface DetectOptions {
  /** Restrict to these entity types; all types when omitted. */
  entities?: readonly string[];
  minScore?: number;
  /** Values never reported (exact, case-insensitive). */
  allowList?: readonly string[];
  /** Values always reported (as type DENY_LIST unless matched otherwise). */
  denyList?: readonly string[];
  customRecognizers?: readonly CustomRecognizerConfig[];
}

export const BUILTIN_ENTITY_TYPES = [
  'PERSON', 'EMAIL_ADDRESS', 'PHONE_NUMBER', 'US_SSN', 'US_ITIN', 'CREDIT_CARD', 'IBAN_CODE',
  'US_BANK_NUMBER', 'ABA_ROUTING_NUMBER', 'IP_ADDRESS', 'MAC_ADDRESS', 'URL', 'DATE_TIME',
  'LOCATION', 'STREET_ADDRESS', 'ZIP_CODE', 'ORGANIZATION', 'US_DRIVER_LICENSE', 'US_PASSPORT',
  'MEDICAL_RECORD_NUMBER', 'US_NPI', 'US_DEA', 'HEALTH_PLAN_ID', 'MEDICAL_LICENSE', 'ICD10_CODE',
  'AGE', 'CRYPTO', 'VIN', 'API_KEY',
] as const;

export type BuiltinEntityType = (typeof BUILTIN_ENTITY_TYPES)[number];

// Minimal recognizers so the vault round trip is real; the full engine replaces these.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const SSN = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g;
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const PHONE = /(?<![\w+])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export class DetectionEngine {
  detect(text: string, options: DetectOptions = {}): DetectedEntity[] {
    const found: DetectedEntity[] = [];
    const add = (re: RegExp, type: string, score: number, ok: (m: string) => boolean = () => true) => {
      for (const m of text.matchAll(re)) {
        if (!ok(m[0])) continue;
        found.push({ type, start: m.index, end: m.index + m[0].length, score, text: m[0], recognizer: type });
      }
    };
    add(EMAIL, 'EMAIL_ADDRESS', 1);
    add(SSN, 'US_SSN', 0.85);
    add(CARD, 'CREDIT_CARD', 1, (m) => luhnValid(m.replace(/\D/g, '')));
    add(PHONE, 'PHONE_NUMBER', 0.75);
    const wanted = options.entities ? new Set(options.entities) : undefined;
    const minScore = options.minScore ?? 0;
    found.sort((a, b) => a.start - b.start || b.score - a.score);
    const out: DetectedEntity[] = [];
    for (const e of found) {
      if (wanted && !wanted.has(e.type)) continue;
      if (e.score < minScore) continue;
      const last = out[out.length - 1];
      if (last && e.start < last.end) continue;
      out.push(e);
    }
    return out;
  }
}
