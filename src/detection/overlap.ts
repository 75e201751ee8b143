import type { Candidate } from './types';

/**
 * Specificity breaks score ties: a checksum-validated or tightly shaped type beats a loose one
 * for the same span. Higher wins; unknown (custom) types sit in the middle.
 */
const SPECIFICITY: Readonly<Record<string, number>> = {
  DENY_LIST: 100,
  API_KEY: 95,
  CRYPTO: 94,
  CREDIT_CARD: 93,
  IBAN_CODE: 92,
  US_NPI: 91,
  US_DEA: 90,
  VIN: 89,
  EMAIL_ADDRESS: 88,
  URL: 87,
  IP_ADDRESS: 86,
  MAC_ADDRESS: 85,
  US_SSN: 84,
  US_ITIN: 84,
  ABA_ROUTING_NUMBER: 83,
  MEDICAL_RECORD_NUMBER: 80,
  HEALTH_PLAN_ID: 79,
  MEDICAL_LICENSE: 78,
  US_PASSPORT: 77,
  US_DRIVER_LICENSE: 76,
  ICD10_CODE: 75,
  STREET_ADDRESS: 74,
  PHONE_NUMBER: 70,
  DATE_TIME: 65,
  US_BANK_NUMBER: 60,
  ZIP_CODE: 55,
  AGE: 54,
  PERSON: 50,
  ORGANIZATION: 49,
  LOCATION: 48,
};
const CUSTOM_SPECIFICITY = 82;
/** A span that fully contains others wins over them when it is at least this confident. */
const CONTAINER_MIN_SCORE = 0.5;

export function specificity(type: string): number {
  return SPECIFICITY[type] ?? CUSTOM_SPECIFICITY;
}

function rank(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    specificity(b.type) - specificity(a.type) ||
    b.end - b.start - (a.end - a.start) ||
    a.start - b.start
  );
}

function contains(outer: Candidate, inner: Candidate): boolean {
  return (
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    outer.end - outer.start > inner.end - inner.start
  );
}

/** Index of the first winner (sorted by start, non-overlapping) whose end is after `start`. */
function firstEndingAfter(winners: readonly Candidate[], start: number): number {
  let lo = 0;
  let hi = winners.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (winners[mid].end > start) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * One winner per span. Candidates are taken best first (score, then specificity, then length);
 * a later candidate that overlaps a winner is dropped, unless it is a confident span that
 * strictly contains every winner it overlaps (an email inside a URL, a date inside an address
 * or an id): then it replaces them, so no part of the larger value leaks. Winners stay sorted
 * by start and never overlap, so each lookup is a binary search: O(n log n) overall.
 */
export function resolveOverlaps(candidates: readonly Candidate[]): Candidate[] {
  const ordered = [...candidates].sort(rank);
  const winners: Candidate[] = [];
  for (const c of ordered) {
    const from = firstEndingAfter(winners, c.start);
    let to = from;
    while (to < winners.length && winners[to].start < c.end) to++;
    if (to === from) {
      winners.splice(from, 0, c);
      continue;
    }
    const clashing = winners.slice(from, to);
    if (
      c.score >= CONTAINER_MIN_SCORE &&
      clashing.every((w) => contains(c, w) && w.type !== 'DENY_LIST')
    ) {
      winners.splice(from, to - from, c);
    }
  }
  return winners;
}
