/**
 * Features of the named-entity model. Shared by training (bench/train-ner.ts) and decoding
 * (ner-model.ts), so both see the same strings.
 *
 * Every feature belongs to one of four groups, so decoding can sum a group's weights once and
 * reuse the sum (a text of a megabyte has 200,000 words but far fewer distinct ones):
 * - word features: the surface word alone (lower case, shape, affixes, gazetteer and cue-list
 *   membership), used at offsets -2..+2 around the word being tagged;
 * - gap features: the characters between two words (punctuation, "@", "#", line breaks, digits);
 * - position features: sentence start, shouting line, possessive, and the rule recognizer's tag;
 * - history features: the two tags decoded before this one (greedy decoding); Viterbi decoding
 *   scores the first-order part, the previous tag alone and with the shape (transitionFeatures).
 */
import {
  ORG_CUES_BEFORE,
  ORG_SUFFIXES,
  PERSON_CUES_AFTER,
  PERSON_CUES_BEFORE,
  PLACE_CUES_BEFORE,
  PLACE_NOUNS_AFTER,
  STRONG_ORG_SUFFIXES,
  TITLES,
  NAME_PARTICLES,
} from '../cues';
import type { Gazetteers } from '../gazetteers';
import type { Token } from '../tokens';

export const TAGS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG'] as const;
export type Tag = (typeof TAGS)[number];
export const TAG_COUNT = TAGS.length;
export const TAG_TYPES = [
  '',
  'PERSON',
  'PERSON',
  'LOCATION',
  'LOCATION',
  'ORGANIZATION',
  'ORGANIZATION',
] as const;
/** B- tag index of each named type. */
export const BEGIN_OF: Readonly<Record<string, number>> = {
  PERSON: 1,
  LOCATION: 3,
  ORGANIZATION: 5,
};
/** Offsets of the words around the tagged one whose word features count. */
export const WINDOW = 2;
export const OFFSETS = 2 * WINDOW + 1;

/** Whether tag `t` may follow tag `prev` (I-X only after B-X or I-X). */
export function allowed(prev: number, t: number): boolean {
  if (t === 0 || t % 2 === 1) return true;
  return prev === t || prev === t - 1;
}

/** "Xxxx" → "Xx", "IBM" → "X", "x86" → "xd": each run of one character class once. */
export function shapeOf(word: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < word.length && out.length < 6; i++) {
    const ch = word[i];
    const c = ch.charCodeAt(0);
    let k: string;
    if (c >= 65 && c <= 90) k = 'X';
    else if (c >= 97 && c <= 122) k = 'x';
    else if (c >= 48 && c <= 57) k = 'd';
    else if (c < 128) k = ch;
    else if (ch !== ch.toLowerCase()) k = 'X';
    else if (ch !== ch.toUpperCase()) k = 'x';
    else k = 'o';
    if (k !== last) out += k;
    last = k;
  }
  return out;
}

/** Word classes learned from the training text (bench/lib/ner-clusters.ts): lower-cased word →
 * class number. */
export type WordClasses = ReadonlyMap<string, number>;

/** Features of a word that hold wherever it stands: [at the word itself only, at any offset].
 * `classes`: the word's learned class becomes a feature (`cl=`) when it has one. */
export function wordFeatures(
  word: string,
  g: Gazetteers,
  classes?: WordClasses,
): [string[], string[]] {
  const lower = word.toLowerCase();
  const shape = shapeOf(word);
  const own: string[] = [];
  const any: string[] = [`w=${lower}`, `sh=${shape}`];
  const n = lower.length;
  for (let k = 1; k <= 4 && k < n; k++)
    own.push(`p${k}=${lower.slice(0, k)}`, `s${k}=${lower.slice(n - k)}`);
  own.push(`len=${n > 8 ? 9 : n}`);
  if (word !== lower && word === word.toUpperCase() && n > 1) any.push('caps');
  if (/\d/.test(word)) own.push('digit');
  if (word.includes('-')) own.push('hyphen');
  if (word.includes("'") || word.includes('’')) own.push('apos');
  if (g.firstNames.has(lower)) any.push('g:first');
  if (g.names.has(lower)) any.push('g:name');
  const place = g.places.get(lower);
  if (place) any.push(`g:place:${place}`);
  if (g.organizations.has(lower)) any.push('g:org');
  if (g.dictionary.has(lower)) any.push('g:dict');
  if (g.commonWords.has(lower)) any.push('g:common');
  if (TITLES.has(lower)) any.push('c:title');
  if (PERSON_CUES_BEFORE.has(lower)) any.push('c:per<');
  if (PERSON_CUES_AFTER.has(lower)) any.push('c:per>');
  if (ORG_CUES_BEFORE.has(lower)) any.push('c:org<');
  if (ORG_SUFFIXES.has(lower)) any.push(STRONG_ORG_SUFFIXES.has(lower) ? 'c:orgsuf!' : 'c:orgsuf');
  if (PLACE_CUES_BEFORE.has(lower)) any.push('c:loc<');
  if (PLACE_NOUNS_AFTER.has(lower)) any.push('c:loc>');
  if (NAME_PARTICLES.has(lower)) any.push('c:particle');
  const cl = classes?.get(lower);
  if (cl !== undefined) any.push(`cl=${cl}`);
  return [own, any];
}

/** A short signature of the text between two words: "@", "#", ", ", newline, digits... */
export function gapSignature(gap: string): string {
  if (gap === ' ') return '_';
  let out = '';
  for (let i = 0; i < gap.length && out.length < 4; i++) {
    const ch = gap[i];
    if (ch === ' ' || ch === '\t') continue;
    if (ch === '\n' || ch === '\r') {
      if (!out.endsWith('n')) out += 'n';
    } else if (ch >= '0' && ch <= '9') {
      if (!out.endsWith('d')) out += 'd';
    } else out += ch;
  }
  return out || '_';
}

export function gapFeatures(before: string, after: string): string[] {
  return [`gb=${gapSignature(before)}`, `ga=${gapSignature(after)}`];
}

/** Rule recognizer's verdict on a word: 0 none, else tag index (1..6), +7 when it scored high. */
export const RULE_VALUES = 2 * TAG_COUNT;

export interface PositionFacts {
  sentenceStart: boolean;
  capsLine: boolean;
  possessive: boolean;
  first: boolean;
  /** Rule tags of the previous, this and the next word (see RULE_VALUES); undefined: no rules. */
  rules?: readonly [number, number, number];
}

function ruleName(v: number): string {
  if (v === 0) return 'O';
  return v >= TAG_COUNT ? `${TAGS[v - TAG_COUNT]}+` : TAGS[v];
}

export function positionFeatures(f: PositionFacts, shape: string): string[] {
  const out: string[] = ['bias', `ss=${f.sentenceStart ? 1 : 0}|${shape}`];
  if (f.capsLine) out.push('capsline', `capsline|${shape}`);
  if (f.possessive) out.push('poss');
  if (f.first) out.push('first');
  if (f.rules) {
    const [a, b, c] = f.rules;
    out.push(
      `r0=${ruleName(b)}`,
      `r-1=${ruleName(a)}`,
      `r+1=${ruleName(c)}`,
      `r0|ss=${ruleName(b)}|${f.sentenceStart ? 1 : 0}`,
      `r-1|r0=${ruleName(a)}|${ruleName(b)}`,
    );
  }
  return out;
}

export function historyFeatures(t1: number, t2: number, shape: string): string[] {
  return [`t1=${TAGS[t1]}`, `t2=${TAGS[t2]}|${TAGS[t1]}`, `t1|sh=${TAGS[t1]}|${shape}`];
}

/** The first-order part of historyFeatures: what Viterbi decoding scores a transition with. */
export function transitionFeatures(t1: number, shape: string): string[] {
  return [`t1=${TAGS[t1]}`, `t1|sh=${TAGS[t1]}|${shape}`];
}

/** The word features in effect at `offset` (-2..2) from the tagged word. */
export function offsetFeatures(
  own: readonly string[],
  any: readonly string[],
  offset: number,
): string[] {
  if (offset === 0) return [...own, ...any].map((f) => `0${f}`);
  return any.map((f) => `${offset}${f}`);
}

/** Marks the tokens on lines written mostly in capitals (the rule recognizer does the same). */
export type TokenLike = Pick<
  Token,
  'text' | 'start' | 'end' | 'gapBefore' | 'sentenceStart' | 'capsLine' | 'possessive'
>;

/** Span of a candidate in token indices: tokens wholly inside [start, end). */
export interface SpanLike {
  type: string;
  start: number;
  end: number;
  score?: number;
}

/**
 * Writes BIO tag indices of `spans` onto the tokens (0 where none). With `strong`, a span
 * scoring at least that adds TAG_COUNT to its tags (RULE_VALUES). Later spans win ties, so pass
 * them weakest first.
 */
export function spansToTags(
  tokens: readonly Pick<Token, 'start' | 'end'>[],
  spans: readonly SpanLike[],
  strong?: number,
): Uint8Array {
  const tags = new Uint8Array(tokens.length);
  if (spans.length === 0) return tags;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let j = 0;
  for (const s of sorted) {
    const begin = BEGIN_OF[s.type];
    if (begin === undefined) continue;
    const bonus = strong !== undefined && (s.score ?? 0) >= strong ? TAG_COUNT : 0;
    while (j > 0 && tokens[j - 1].end > s.start) j--;
    while (j < tokens.length && tokens[j].start < s.start) j++;
    let first = true;
    for (let k = j; k < tokens.length && tokens[k].end <= s.end; k++) {
      const existing = tags[k];
      const value = (first ? begin : begin + 1) + bonus;
      if (existing === 0 || bonus >= (existing >= TAG_COUNT ? TAG_COUNT : 0)) tags[k] = value;
      first = false;
    }
  }
  return tags;
}
