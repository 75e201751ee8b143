/**
 * "License A54321" names a driver's licence on a rental form and a clinician's licence in a
 * chart. The driver's-licence and medical-licence recognizers both ask this one reading of the
 * label before the number, so exactly one of them keeps it.
 */
export type LicenseReading = 'driver' | 'medical' | 'plate';

/** How far before the span the licence word is looked for (UTF-16 units, same line). */
const LABEL_REACH = 40;
/** How far around the span clinical words decide a bare "license" (UTF-16 units). */
const DOMAIN_REACH = 160;

// Bounded alternations on short slices only: linear time.
const LICENSE_WORD = /\b(?:licen[cs]e[sd]?|lic)\b/gi;
const DRIVER_QUALIFIER =
  /\b(?:driver|drivers|driver['’]s|driving|dl|dln|dmv|cdl|commercial|operator['’]?s?)\b/i;
const MEDICAL_QUALIFIER =
  /\b(?:medical|nursing|rn|md|np|physician['’]?s?|pharmacist|pharmacy|dental|nurse|board|prescriber|practitioner)\b/i;
const PLATE = /\bplates?\b/i;
const CLINICAL_CUE =
  /\b(?:mrn|patient|medicare|medicaid|npi|dea|physician|attending|clinician|provider|prescriber|nurse|rn|md|dr|hospital|clinic|diagnosis|icd-?10)\b/i;

/**
 * Which licence the label before `start` names, or undefined when no licence word labels the
 * span (then each recognizer's own context words decide). A bare "license" is medical only
 * when clinical words are near; otherwise it stays the common reading, a driver's licence.
 */
export function readLicenseLabel(text: string, start: number): LicenseReading | undefined {
  let before = text.slice(Math.max(0, start - LABEL_REACH), start);
  const newline = before.lastIndexOf('\n');
  if (newline >= 0) before = before.slice(newline + 1);
  let word: RegExpExecArray | undefined;
  for (const m of before.matchAll(LICENSE_WORD)) word = m;
  if (!word) return undefined;
  const qualifier = before.slice(0, word.index);
  if (PLATE.test(before.slice(word.index))) return 'plate';
  if (DRIVER_QUALIFIER.test(qualifier)) return 'driver';
  if (MEDICAL_QUALIFIER.test(qualifier)) return 'medical';
  const around = text.slice(Math.max(0, start - DOMAIN_REACH), start + DOMAIN_REACH);
  return CLINICAL_CUE.test(around) ? 'medical' : 'driver';
}
