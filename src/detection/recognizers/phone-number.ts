import { forEachMatch } from './matches';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { findContextWords, type DetectionContext } from '../context';
import type { Candidate, Recognizer } from '../types';

/**
 * Candidate runs: optional "+" or "00", then digits with spaces, dots, dashes or brackets, 7 to
 * 15 digits in all. One bounded character class, so matching stays linear.
 */
const CANDIDATE = /(?<![\w+#$€£¥/.:-])(?:\+|\b00)?\(?\d[\d ().-]{5,22}\d(?![\w/-]|[.:]\d)/g;

/** score's answer when the span's missing context decides before any parse (see judge). */
const SKIPPED = -1;

/**
 * Countries tried for numbers written in national form (leading trunk 0) when US fails. Any
 * one accepting the number decides (the score does not depend on which), so the most
 * permissive plans come first and most numbers cost one parse.
 */
const NATIONAL_REGIONS: readonly CountryCode[] = [
  'DE',
  'AT',
  'GB',
  'FR',
  'IN',
  'AU',
  'IT',
  'ES',
  'NL',
  'BR',
  'IE',
  'JP',
  'MX',
  'PL',
  'SE',
  'CH',
  'BE',
  'IL',
  'ZA',
  'NG',
  'CN',
];
const CONTEXT = [
  'phone',
  'tel',
  'telephone',
  'call',
  'mobile',
  'cell',
  'fax',
  'contact',
  'text',
  'sms',
  'whatsapp',
  'reach',
  'reached',
  'ph',
  'mob',
  'phone number',
  'telefon',
  'telefono',
  'teléfono',
  'téléphone',
  'tél',
  'tel.',
  'chiami',
  'chiamare',
  'llamar',
  'llamaremos',
  'llame',
  'llámame',
  'llamame',
  'bel',
  'bellen',
  'anrufen',
  'rufen',
  'appelez',
  'appeler',
  'portable',
  'handy',
  'cellulare',
  'móvil',
  'movil',
];

/**
 * Whether digits written without "+" can be valid for libphonenumber's US region: ten NANP
 * digits (area code 2-9) or a seven-digit Canadian short number, after up to two trunk 1s, or a
 * number dialled with the US international prefix 011. Anything else fails the US parse (the
 * recognizer's main cost), so it is not tried; a unit test holds this against the library.
 */
export function mayBeNanp(digits: string): boolean {
  if (digits.startsWith('011')) return true;
  let national = digits;
  for (let i = 0; i < 2 && national.startsWith('1'); i++) national = national.slice(1);
  return (national.length === 10 && national[0] >= '2') || national.length === 7;
}

/** Phone numbers parsed and validated by libphonenumber (US and international formats). */
export class PhoneNumberRecognizer implements Recognizer {
  readonly name = 'PhoneNumberRecognizer';
  readonly types = ['PHONE_NUMBER'];

  analyze(text: string, context?: DetectionContext): Candidate[] {
    const out: Candidate[] = [];
    // Every candidate holds a digit; the call's context counts them once for all recognizers.
    if (context && context.longestDigitRun === 0) return out;
    // Parsing is the cost (tens of µs when every region is tried); repeated values parse once.
    const scores = new Map<string, number>();
    forEachMatch(CANDIDATE, text, (m) => {
      if (/\bISBN(?:-1[03])?:?\s?$/i.test(text.slice(Math.max(0, m.index - 12), m.index))) return;
      let value = m[0];
      let start = m.index;
      // An opening bracket is part of the number only when it closes inside it.
      if (value.startsWith('(') && !/^\(\d{1,4}\)/.test(value)) {
        value = value.slice(1);
        start++;
      }
      value = value.replace(/[\s(.-]+$/, '');
      const candidate = this.judge(value, start, scores, context);
      if (candidate) out.push(candidate);
    });
    return out;
  }

  private judge(
    value: string,
    start: number,
    scores: Map<string, number>,
    context: DetectionContext | undefined,
  ): Candidate | undefined {
    const digits = value.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) return undefined;
    // "1 1 1 1 1 1 1": phone numbers have at most two single-digit groups (cheap check before parsing).
    if ((value.match(/(?:^|\D)\d(?=\D|$)/g)?.length ?? 0) > 2) return undefined;
    if (!this.separatorsLookLikePhone(value)) return undefined;
    let score = scores.get(value);
    if (score === undefined) {
      // A score under 0.4 needs a context word near the span (applyContext drops it otherwise),
      // so without one the parses that could only give such a score are skipped. That answer
      // belongs to this span, not to the value, so it is not remembered.
      const quiet = context
        ? () =>
            findContextWords(context, { start, end: start + value.length }, CONTEXT).length === 0
        : () => false;
      score = this.score(value, digits, quiet);
      if (score === SKIPPED) return undefined;
      scores.set(value, score);
    }
    if (score === 0) return undefined;
    return {
      type: 'PHONE_NUMBER',
      start,
      end: start + value.length,
      score,
      recognizer: this.name,
      explanation: {
        pattern: value.startsWith('+') ? 'phone_international' : 'phone_national',
        baseScore: score,
        validation: 'passed',
      },
      context: CONTEXT,
      requiresContext: score < 0.4,
    };
  }

  /** Dates and decimals share digits with phones; reject separator shapes phones never use. */
  private separatorsLookLikePhone(value: string): boolean {
    if (/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test(value)) return false;
    // SSN shape 3-2-4 and ISBN-like 1-3-5-1 groupings are never written phone numbers.
    if (/^\d{3}-\d{2}-\d{4}$/.test(value) || /^\d{1,5}-\d{1,7}-\d{1,7}-[\dX]$/.test(value))
      return false;
    if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(value)) return false;
    // A dotted quad of 1-3 digit groups is an IPv4 address, never a written phone number.
    if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(value)) return false;
    const dots = value.split('.').length - 1;
    if (dots === 1) return false;
    return true;
  }

  /** SKIPPED when `quiet` (no context word near the span) means the score could only drop it. */
  private score(value: string, digits: string, quiet: () => boolean): number {
    const international = value.startsWith('+') || value.startsWith('00');
    const normalized = value.startsWith('00') ? '+' + value.slice(2) : value;
    const formatted = /[\s().-]/.test(value);
    if (international) {
      const parsed = parsePhoneNumberFromString(normalized);
      if (parsed?.isValid()) return 0.9;
      // A known country code and a length that country dials, but a range its metadata does
      // not list (new or unlisted ranges, fictional numbers in tests): still a phone number to
      // keep from a model, when written grouped as one (unformatted, a context word must say so).
      if (!parsed?.isPossible()) return 0;
      return formatted ? 0.6 : 0.35;
    }
    // Unformatted national digits score 0.35 at most (US or trunk 0), which needs context.
    if (!formatted && quiet()) return SKIPPED;
    const us = mayBeNanp(digits) ? parsePhoneNumberFromString(value, 'US') : undefined;
    if (us?.isValid()) {
      if (
        /^\(\d{3}\)\s?\d{3}[\s.-]\d{4}/.test(value) ||
        /^(?:1[\s.-])?\d{3}([\s.-])\d{3}\1\d{4}/.test(value)
      )
        return 0.75;
      return formatted ? 0.5 : 0.35;
    }
    // National forms of other countries: a leading trunk 0 is telling; otherwise context must say
    // so ("llámame al 612345678"): without a trunk 0, 0.35 at most, which needs context.
    if (!digits.startsWith('0') && quiet()) return SKIPPED;
    for (const region of NATIONAL_REGIONS) {
      const parsed = parsePhoneNumberFromString(value, region);
      if (!parsed?.isValid()) continue;
      return formatted && digits.startsWith('0') ? 0.6 : 0.35;
    }
    return 0;
  }
}

export const phoneNumberRecognizer = new PhoneNumberRecognizer();
