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
  USERNAME: 57,
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

/**
 * Which of n slots (candidates in start order) hold winners, as a Fenwick tree of counts: the
 * nearest winner before or after a slot is found in O(log n), where a sorted array of winners
 * pays O(n) per insertion (quadratic on texts with tens of thousands of names).
 */
class WinnerSlots {
  private readonly tree: Int32Array;
  private readonly top: number;
  private total = 0;

  constructor(private readonly n: number) {
    this.tree = new Int32Array(n + 1);
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.top = top;
  }

  set(slot: number, on: boolean): void {
    const delta = on ? 1 : -1;
    this.total += delta;
    for (let i = slot + 1; i <= this.n; i += i & -i) this.tree[i] += delta;
  }

  /** Winners in slots [0, slot). */
  private countBefore(slot: number): number {
    let sum = 0;
    for (let i = slot; i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  /** Slot of the k-th winner (1-based). */
  private kth(k: number): number {
    let pos = 0;
    for (let step = this.top; step > 0; step >>= 1) {
      if (pos + step <= this.n && this.tree[pos + step] < k) {
        pos += step;
        k -= this.tree[pos];
      }
    }
    return pos;
  }

  /** First winner slot at or after `slot`, or n. */
  next(slot: number): number {
    const k = this.countBefore(slot) + 1;
    return k > this.total ? this.n : this.kth(k);
  }

  /** Last winner slot before `slot`, or -1. */
  previous(slot: number): number {
    const k = this.countBefore(slot);
    return k === 0 ? -1 : this.kth(k);
  }
}

/** First index in `starts` (ascending) whose value is at least `offset`. */
function lowerBound(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One winner per span. Candidates are taken best first (score, then specificity, then length);
 * a later candidate that overlaps a winner is dropped, unless it is a confident span that
 * strictly contains every winner it overlaps (an email inside a URL, a date inside an address
 * or an id): then it replaces them, so no part of the larger value leaks.
 *
 * A candidate that overlaps no other always wins, so only overlapping ones are ranked. Winners
 * never overlap, so in start order they are in end order too: the only winner that can straddle
 * a span's start is the last one starting before it, and the one that can straddle its end is
 * the last one starting inside it. Each step is a few O(log n) lookups; O(n log n) overall.
 */
export function resolveOverlaps(candidates: readonly Candidate[]): Candidate[] {
  const n = candidates.length;
  if (n < 2) return [...candidates];
  // Indices in plain arrays: typed-array sort with a comparator is several times slower.
  const slotOrder: number[] = [];
  for (let i = 0; i < n; i++) slotOrder.push(i);
  slotOrder.sort(
    (a, b) =>
      candidates[a].start - candidates[b].start || candidates[a].end - candidates[b].end || a - b,
  );
  const bySlot: Candidate[] = [];
  for (const i of slotOrder) bySlot.push(candidates[i]);

  const won = new Uint8Array(n);
  const contested: number[] = [];
  let reach = -Infinity;
  for (let slot = 0; slot < n; slot++) {
    const c = bySlot[slot];
    const nextStart = slot + 1 < n ? bySlot[slot + 1].start : Infinity;
    if (c.start >= reach && c.end <= nextStart) won[slot] = 1;
    else contested.push(slot);
    if (c.end > reach) reach = c.end;
  }
  if (contested.length > 0) resolveContested(slotOrder, bySlot, contested, won);

  const out: Candidate[] = [];
  for (let slot = 0; slot < n; slot++) if (won[slot]) out.push(bySlot[slot]);
  return out;
}

/** The greedy of resolveOverlaps over the slots that overlap another; marks winners in `won`. */
function resolveContested(
  slotOrder: readonly number[],
  bySlot: readonly Candidate[],
  contested: readonly number[],
  won: Uint8Array,
): void {
  const m = contested.length;
  const starts = new Int32Array(m);
  for (let k = 0; k < m; k++) starts[k] = bySlot[contested[k]].start;
  const at = (k: number): Candidate => bySlot[contested[k]];
  // Rank order; equal ranks keep input order, as a stable sort of the candidates would.
  const rankOrder: number[] = [];
  for (let k = 0; k < m; k++) rankOrder.push(k);
  rankOrder.sort((a, b) => rank(at(a), at(b)) || slotOrder[contested[a]] - slotOrder[contested[b]]);
  const winners = new WinnerSlots(m);

  for (const k of rankOrder) {
    const c = at(k);
    const firstInside = lowerBound(starts, c.start);
    const before = winners.previous(firstInside);
    // A winner starting before c and reaching into it is never contained by c.
    if (before >= 0 && at(before).end > c.start) continue;
    const first = winners.next(firstInside);
    if (first === m || at(first).start >= c.end) {
      winners.set(k, true);
      continue;
    }
    if (c.score < CONTAINER_MIN_SCORE) continue;
    const last = winners.previous(lowerBound(starts, c.end));
    // Winners between the first and the last clashing one lie strictly inside c.
    if (!contains(c, at(first)) || !contains(c, at(last))) continue;
    const clashing: number[] = [];
    let denied = false;
    for (let w = first; w <= last; w = winners.next(w + 1)) {
      if (at(w).type === 'DENY_LIST') {
        denied = true;
        break;
      }
      clashing.push(w);
    }
    if (denied) continue;
    for (const w of clashing) winners.set(w, false);
    winners.set(k, true);
  }
  for (let w = winners.next(0); w < m; w = winners.next(w + 1)) won[contested[w]] = 1;
}
