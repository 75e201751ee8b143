import { CLINICAL_ABBREVIATIONS, NOT_PERSON_FIRST_WORDS } from './data/not-person';
import { gazetteers } from './nlp/gazetteers';
import type { Candidate } from './types';

const NOT_FIRST = new Set(NOT_PERSON_FIRST_WORDS);
const ABBREVIATIONS = new Set(CLINICAL_ABBREVIATIONS);
const NAME_TYPES = new Set(['PERSON', 'ORGANIZATION', 'LOCATION']);

/**
 * Employer and brand heads: "<Surname> Energy", "Baker & Sons". A PERSON span followed by one
 * of these is the organisation's name, reported as ORGANIZATION over the whole name.
 */
export const ORG_TAIL =
  /^(?:[ \t]{1,2}(?:&|and)[ \t]{1,2}(?:Sons|Daughters|Co|Company|Partners|Associates)\b\.?|[ \t]{1,2}(?:Energy|Power|Electric|Oil|Gas|Solar|Foods?|Bakery|Brewing|Brewery|Motors|Automotive|Construction|Builders|Plumbing|Roofing|Electrical|Landscaping|Realty|Properties|Insurance|Bank|Capital|Financial|Pharmacy|Pharma|Labs?|Laboratories|Industries|Manufacturing|Logistics|Transport|Trucking|Freight|Consulting|Group|Holdings|Partners|Associates|Enterprises|Systems|Technologies|Software|Media|Studios?|Hotels?|Restaurants?|Cafe|Café|Dental|Clinic|Law|Legal|Accounting|Marketing|Design|Services|Solutions|Supply|Farms?|Dairy|Winery|Jam|Preserves|Corp|Corporation|Inc|LLC|Ltd|GmbH|plc)\b\.?)/;

/** Whether the span's first word is stop-listed (cheap: no regex, one slice). */
function firstWordListed(value: string): boolean {
  let end = 0;
  while (end < value.length && value[end] !== ' ' && value[end] !== ',' && value[end] !== '\n')
    end++;
  return NOT_FIRST.has(
    value
      .slice(0, end)
      .toLowerCase()
      .replace(/[.:]+$/, ''),
  );
}

/** Length of the leading stop-listed words (and the gap after them) of a span, or 0. */
function stopListedPrefix(value: string): number {
  let at = 0;
  for (;;) {
    const m = /^[^\s,]+[\s,]*/.exec(value.slice(at));
    if (!m) return at;
    const word = m[0]
      .trim()
      .toLowerCase()
      .replace(/[.:,]+$/, '');
    if (!NOT_FIRST.has(word)) return at;
    at += m[0].length;
  }
}

/**
 * A form label rather than a speaker: none of its words is a known name, and it has a lower-case
 * word ("Fecha de ingreso") or is an ordinary dictionary word ("Sender", "Beneficiary").
 */
function looksLikeLabel(value: string): boolean {
  const g = gazetteers();
  const words = value.split(/[\s-]+/);
  if (words.some((w) => g.names.has(w.toLowerCase()) || g.firstNames.has(w.toLowerCase())))
    return false;
  return words.some((w) => /^\p{Ll}/u.test(w) || g.dictionary.has(w.toLowerCase()));
}

/**
 * Post-filters for name-like candidates, whatever recognizer made them (issue 16, item 3):
 * - a @handle is a USERNAME: PERSON/ORGANIZATION/LOCATION candidates inside one are dropped;
 * - leading header, department, job-title, greeting, pronoun or contraction words
 *   (data/not-person.ts) are cut off a PERSON span ("Dear Ann" → "Ann"), which is dropped if
 *   nothing capitalised remains; a form label ("Sender:", "Fecha de ingreso:") is dropped;
 * - an all-capitals span of one short token is a clinical abbreviation (ED, ICU, SOAP), not a name,
 *   unless it is a known first name written in capitals, and never when it is listed;
 * - "<Name> Energy", "Baker & Sons": the PERSON becomes an ORGANIZATION spanning the whole name.
 * Linear in the number of candidates; each check looks at a few characters around the span.
 */
export function filterNameCandidates(text: string, candidates: Candidate[]): Candidate[] {
  const handles = candidates.filter((c) => c.type === 'USERNAME');
  const out: Candidate[] = [];
  let h = 0;
  for (let c of candidates) {
    if (!NAME_TYPES.has(c.type)) {
      out.push(c);
      continue;
    }
    // candidates are in start order: advance over handles ending before this span.
    while (h < handles.length && handles[h].end <= c.start) h++;
    if (h < handles.length && handles[h].start <= c.start && c.end <= handles[h].end) continue;
    if (c.start > 0 && text[c.start - 1] === '@') continue;
    if (c.type !== 'PERSON') {
      out.push(c);
      continue;
    }
    let value = text.slice(c.start, c.end);
    const cut = firstWordListed(value) ? stopListedPrefix(value) : 0;
    if (cut > 0) {
      // "Dear Ann Lee", "Doctor Smith", "I'm Ann": the name after the word stays.
      if (cut >= value.length || !/^\p{Lu}/u.test(value.slice(cut))) continue;
      c = { ...c, start: c.start + cut };
      value = value.slice(cut);
    }
    if (value.length <= 5 && /^[\p{Lu}\d]{1,5}$/u.test(value)) {
      if (ABBREVIATIONS.has(value.toLowerCase())) continue;
      if (!gazetteers().firstNames.has(value.toLowerCase())) continue;
    }
    // Only what follows decides the rest; most names are followed by neither ':' nor a head word.
    let k = c.end;
    while (k < text.length && k < c.end + 3 && (text[k] === ' ' || text[k] === '\t')) k++;
    const next = text[k] ?? '';
    if (next === ':' && looksLikeLabel(value)) continue;
    if (k > c.end && (next === '&' || next === 'a' || /\p{Lu}/u.test(next))) {
      const tail = ORG_TAIL.exec(text.slice(c.end, c.end + 40));
      if (tail) {
        out.push({
          ...c,
          type: 'ORGANIZATION',
          end: c.end + tail[0].length,
          explanation: { ...c.explanation, pattern: `${c.explanation.pattern}+org_tail` },
        });
        continue;
      }
    }
    out.push(c);
  }
  return out;
}
