/**
 * The NLP engine: PERSON, LOCATION and ORGANIZATION behind one interface. Two implementations:
 * - RuleNlpEngine: capitalisation, gazetteers and cue words only (named-entity-recognizer.ts);
 * - ModelNlpEngine (the default): the rules' verdicts become features of a trained sequence
 *   model (model/), which decides; the rules' confident spans fill in where the model is silent.
 */
import type { Candidate, Recognizer } from '../types';
import { gazetteers, type Gazetteers } from './gazetteers';
import { spansToTags, TAG_TYPES } from './model/features';
import { NerModel, type TaggedSpan } from './model/ner-model';
import {
  NAME_CONNECTORS,
  NAME_PARTICLES,
  ORG_CUES_BEFORE,
  PERSON_CUES_BEFORE,
  PLACE_CUES_BEFORE,
  TITLES,
} from './cues';
import {
  EPONYM_NOUNS,
  NamedEntityRecognizer,
  versionFollows,
  wordsOf,
} from './named-entity-recognizer';
import { NOT_ORGANIZATIONS } from './organizations';
import type { Token } from './tokens';

/**
 * U+2029 PARAGRAPH SEPARATOR: where the name model starts afresh (see tagByParagraph). Plain
 * blank lines do not split: the model reads a letter's greeting and body as one text.
 */
const PARAGRAPH_SEPARATOR = '\u2029';

export const NLP_TYPES = ['PERSON', 'LOCATION', 'ORGANIZATION'] as const;

/** Finds named entities (PERSON, LOCATION, ORGANIZATION) in a text. Stateless between calls. */
export interface NlpEngine extends Recognizer {
  readonly types: typeof NLP_TYPES;
}

/** Rule spans scoring at least this are kept where the model found nothing (cross-validated). */
export const KEEP_RULE_SCORE = 0.85;

/** Rule patterns whose spans replace model spans they contain (the rules read these forms
 * more reliably than the model: organisation suffixes, "SURNAME, FIRST" headers). */
const CONTAINING_RULES = new Set([
  'nlp_organization',
  'nlp_surname_first',
  // "Hood River, MT": a place before a state code, where the model may tag only "River".
  'nlp_city_before_state',
]);
/** Rule patterns kept where the model is silent whatever their score: forms the training
 * corpora hardly have ("hi this is ann"). */
const ALWAYS_FILL_RULES = new Set(['nlp_lowercase_introduction', 'nlp_surname_first']);

/** A rule span at least this confident replaces the model spans it contains. */
export const CONTAINING_RULE_SCORE = 0.8;

/** A rule PERSON span at least this confident replaces a one-word model span inside it, or
 * fills in as an item of a list of model PERSON spans. */
export const PARTIAL_NAME_RULE_SCORE = 0.6;

/** Between two items of a list: a comma, "and", "&". */
const LIST_GAP = /^\s*(?:,|,?\s+(?:and|&))\s*$/;

/** A rule PERSON span at least this confident fills in as a chat speaker label. */
export const SPEAKER_RULE_SCORE = 0.6;

/** A rule span counts as a strong rule verdict (a model feature) from this score. */
export const STRONG_RULE = 0.7;

/** The rule recognizer's verdict per word, as the model's rule features read it. */
export function ruleTagsOf(tokens: readonly Token[], found: readonly Candidate[]): Uint8Array {
  return spansToTags(
    tokens,
    [...found].sort((a, b) => a.score - b.score),
    STRONG_RULE,
  );
}

export class RuleNlpEngine implements NlpEngine {
  readonly name = 'NamedEntityRecognizer';
  readonly types = NLP_TYPES;
  private readonly rules: NamedEntityRecognizer;

  constructor(g: Gazetteers = gazetteers()) {
    this.rules = new NamedEntityRecognizer(g);
  }

  analyze(text: string): Candidate[] {
    return this.rules.analyze(text);
  }
}

export interface ModelNlpOptions {
  /** Rule spans at or above this score are kept where no model span overlaps them. */
  keepRuleScore?: number;
  /** Rule patterns kept where the model is silent whatever their score. */
  alwaysFill?: ReadonlySet<string>;
  /** Model spans only: no rule spans fill in or replace (the rule tags still feed the model). */
  modelOnly?: boolean;
  /** Score given to model spans. */
  modelScore?: number;
  /** Types whose names found once are tagged again where they recur in the same text. */
  repeatTypes?: ReadonlySet<string>;
}

/** Types repeated through the text by default (see repeatNames). */
export const REPEAT_TYPES: ReadonlySet<string> = new Set(['PERSON']);

export class ModelNlpEngine implements NlpEngine {
  readonly name = 'NerModel';
  readonly types = NLP_TYPES;
  private readonly rules: NamedEntityRecognizer;
  private readonly model: NerModel;
  private readonly keepRuleScore: number;
  private readonly modelScore: number;
  private readonly alwaysFill: ReadonlySet<string>;
  private readonly modelOnly: boolean;
  private readonly repeatTypes: ReadonlySet<string>;
  private readonly g: Gazetteers;

  constructor(model?: NerModel, g: Gazetteers = gazetteers(), options: ModelNlpOptions = {}) {
    this.rules = new NamedEntityRecognizer(g);
    this.model = model ?? NerModel.load(g);
    this.keepRuleScore = options.keepRuleScore ?? KEEP_RULE_SCORE;
    this.modelScore = options.modelScore ?? 0.85;
    this.alwaysFill = options.alwaysFill ?? ALWAYS_FILL_RULES;
    this.modelOnly = options.modelOnly ?? false;
    this.repeatTypes = options.repeatTypes ?? REPEAT_TYPES;
    this.g = g;
  }

  /**
   * The model's spans, decoded separately on each side of a U+2029 paragraph separator: no
   * feature window or tag transition crosses one, so texts joined by it (discovery batches a
   * column's short values that way) read as each would alone.
   */
  private tagByParagraph(words: readonly Token[], tags?: Uint8Array): TaggedSpan[] {
    const spans: TaggedSpan[] = [];
    let from = 0;
    for (let i = 1; i <= words.length; i++) {
      if (i < words.length && !words[i].gapBefore.includes(PARAGRAPH_SEPARATOR)) continue;
      for (const s of this.model.tag(words.slice(from, i), tags?.subarray(from, i))) {
        spans.push({ ...s, first: s.first + from, last: s.last + from });
      }
      from = i;
    }
    return spans;
  }

  analyze(text: string): Candidate[] {
    const words = wordsOf(text);
    const found = this.rules.analyzeWords(text, words);
    const tags = this.model.ruleFeatures ? ruleTagsOf(words, found) : undefined;
    const out: Candidate[] = [];
    for (const s of this.tagByParagraph(words, tags)) {
      for (const [from, last] of splitAtBreaks(words, s.first, s.last)) {
        const type = TAG_TYPES[s.tag];
        // "Dr. Patel": the title before a name is not part of it.
        let first = from;
        while (type === 'PERSON' && first < last && TITLES.has(words[first].lower)) first++;
        if (!plausible(text, words, first, last, type)) continue;
        const score = this.modelScore;
        out.push({
          type,
          start: words[first].start,
          end: words[last].end,
          score,
          recognizer: this.name,
          explanation: { pattern: 'ner_model', baseScore: score, validation: 'not_applicable' },
        });
      }
    }
    if (this.modelOnly) return out;
    // Rule spans fill in where the model found nothing, and a confident organisation or
    // surname-first span that contains model spans ("St. Mary's Hospital" over "St. Mary")
    // replaces them.
    const dropped = new Set<Candidate>();
    const model = out.length;
    let mailParts: ReadonlySet<string> | undefined;
    const parts = (): ReadonlySet<string> => (mailParts ??= emailParts(text));
    // "From: Orsolya Pennywhistle <orsolya.pennywhistle@…>" read as a place: a model span of two
    // words or more that an e-mail address in the text spells is a person's name.
    for (let i = 0; i < model; i++) {
      const m = out[i];
      if (m.type === 'PERSON' || !text.slice(m.start, m.end).includes(' ')) continue;
      if (namedByEmail(text, m.start, m.end, parts)) out[i] = { ...m, type: 'PERSON' };
    }
    for (const c of found) {
      let covered = false;
      let replaces = false;
      const pattern = c.explanation.pattern;
      // Model spans are disjoint and in text order: start at the first one ending after c
      // starts (binary search), stop at the first one starting after c ends. Linear overall.
      let lo = 0;
      let hi = model;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (out[mid].end <= c.start) lo = mid + 1;
        else hi = mid;
      }
      // The rules' name, spelt by an e-mail address in the text: it replaces what the model
      // made of the same words.
      const vouched = c.type === 'PERSON' && namedByEmail(text, c.start, c.end, parts);
      for (let i = lo; i < model && out[i].start < c.end; i++) {
        const m = out[i];
        if (vouched && c.start <= m.start && m.end <= c.end) {
          dropped.add(m);
          replaces = true;
          continue;
        }
        if (
          (CONTAINING_RULES.has(pattern) ||
            (c.type === 'PERSON' && m.type === 'PERSON' && c.score >= this.keepRuleScore)) &&
          c.score >= CONTAINING_RULE_SCORE &&
          c.start <= m.start &&
          m.end <= c.end &&
          c.end - c.start > m.end - m.start
        ) {
          dropped.add(m);
          replaces = true;
        } else if (
          // "Maryse Franecki" read by the rules as a name where the model tagged only "Maryse"
          // (as an organisation): the whole name, one type. A model place inside stays (the
          // rules misread "Hospital Clínico San Carlos" as a name more often than not).
          c.type === 'PERSON' &&
          m.type !== 'LOCATION' &&
          c.score >= PARTIAL_NAME_RULE_SCORE &&
          c.start <= m.start &&
          m.end <= c.end &&
          c.end - c.start > m.end - m.start &&
          !text.slice(m.start, m.end).includes(' ')
        ) {
          dropped.add(m);
          replaces = true;
        } else covered = true;
      }
      // "Attendees: Ayla Hermiston, Tristin Macejkovic, Domenick Watsica": an item of a list
      // whose neighbour the model tagged PERSON is a person too.
      const listed =
        c.type === 'PERSON' &&
        c.score >= PARTIAL_NAME_RULE_SCORE &&
        ((lo > 0 &&
          out[lo - 1].type === 'PERSON' &&
          LIST_GAP.test(text.slice(out[lo - 1].end, c.start))) ||
          (lo < model &&
            out[lo].type === 'PERSON' &&
            LIST_GAP.test(text.slice(c.end, out[lo].start))));
      const fills =
        c.score >= this.keepRuleScore ||
        vouched ||
        this.alwaysFill.has(pattern) ||
        (c.type === 'PERSON' &&
          c.score >= SPEAKER_RULE_SCORE &&
          speakerLabel(text, c.start, c.end));
      if (!covered && (replaces || fills || listed)) out.push(c);
    }
    const kept = dropped.size ? out.filter((c) => !dropped.has(c)) : out;
    return this.repeatTypes.size ? this.repeatNames(words, kept) : kept;
  }

  /**
   * Document consistency: a name found once is the same name where it recurs in the text
   * ("Kojima Minoru ... Kojima later"). A capitalised word of a PERSON span, or the whole text
   * of a span of another repeated type, is tagged again at each later or earlier occurrence
   * that no span covers. Words that are everyday words, or that spans of two types share, are
   * not repeated.
   */
  private repeatNames(words: readonly Token[], found: Candidate[]): Candidate[] {
    if (found.length === 0) return found;
    const typeOf = new Map<string, string>();
    const note = (key: string, type: string): void => {
      const had = typeOf.get(key);
      typeOf.set(key, had === undefined || had === type ? type : '');
    };
    const spans = [...found].sort((a, b) => a.start - b.start);
    let j = 0;
    for (const c of spans) {
      if (!this.repeatTypes.has(c.type)) continue;
      while (j > 0 && words[j - 1].end > c.start) j--;
      while (j < words.length && words[j].start < c.start) j++;
      // A full name ("Mahmoud Abbas") vouches for its parts; a one-word span is too often a
      // misread place or brand to repeat.
      if (j + 1 >= words.length || words[j + 1].end > c.end) continue;
      for (let k = j; k < words.length && words[k].end <= c.end; k++) {
        const w = words[k];
        if (!w.capitalized || w.text.length < 2 || w.allCaps) continue;
        if (this.g.commonWords.has(w.lower) || TITLES.has(w.lower)) continue;
        note(w.text, c.type);
      }
    }
    if (typeOf.size === 0) return found;
    const out = [...found];
    let s = 0;
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      const type = typeOf.get(w.text);
      if (!type) continue;
      while (s < spans.length && spans[s].end <= w.start) s++;
      if (s < spans.length && spans[s].start < w.end) continue;
      let last = i;
      while (
        last + 1 < words.length &&
        words[last + 1].gapBefore === ' ' &&
        typeOf.get(words[last + 1].text) === type &&
        !(s < spans.length && spans[s].start < words[last + 1].end)
      ) {
        last++;
      }
      out.push({
        type,
        start: w.start,
        end: words[last].end,
        score: this.modelScore,
        recognizer: this.name,
        explanation: {
          pattern: 'ner_repeat',
          baseScore: this.modelScore,
          validation: 'not_applicable',
        },
      });
      i = last;
    }
    return out;
  }
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** [\p{L}\p{N}], ASCII by code. */
function letterOrDigit(c: number, ch: string): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return LETTER_OR_DIGIT.test(ch);
}

/** A character of an address's local part: [\p{L}\p{N}._%+-]. */
function localChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || letterOrDigit(c, text[i]);
}

/** A character of a domain label: [\p{L}\p{N}-]. */
function domainChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 45 || letterOrDigit(c, text[i]);
}

/**
 * The pieces of the e-mail addresses' local parts ("sosteneo_chimenti" → sosteneo,
 * chimenti), lower case, three letters or more. The addresses are what
 * /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu finds, scanned by hand from each
 * "@" (the regex, tried at every position, cost 5% of detection on 1 KB prompts).
 */
export function emailParts(text: string): ReadonlySet<string> {
  const out = new Set<string>();
  const n = text.length;
  // Where the previous address ended: the next local part starts no earlier.
  let from = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > from && at - start < 64 && localChar(text, start - 1)) start--;
    if (start === at) continue;
    let k = at + 1;
    while (k < n && domainChar(text, k)) k++;
    if (k === at + 1) continue;
    let end = -1;
    while (k < n && text.charCodeAt(k) === 46) {
      let j = k + 1;
      while (j < n && domainChar(text, j)) j++;
      if (j === k + 1) break;
      end = j;
      k = j;
    }
    if (end < 0) continue;
    const local = text.slice(start, at).toLowerCase();
    for (const piece of local.split(/[._%+\-\d]+/)) if (piece.length >= 3) out.add(piece);
    from = end;
    at = end - 1;
  }
  return out;
}

/** A rule name every word of which is a piece of an e-mail address in the same text ("To:
 * Sosteneo Chimenti <sosteneo_chimenti@…>", "Les Spahnn" <les.spahnn@…>): the address
 * vouches for the name. `parts` is computed once per text, on first use. */
function namedByEmail(
  text: string,
  start: number,
  end: number,
  parts: () => ReadonlySet<string>,
): boolean {
  const p = parts();
  if (p.size === 0) return false;
  const words = text.slice(start, end).toLowerCase().split(/\s+/);
  return words.every((w) => p.has(w.normalize('NFD').replace(/[\u0300-\u036f]/g, '')) || p.has(w));
}

/** Line-initial speaker label ("Sverre: hey", "[10:02] Sverre:", "Jinte (support):"), a name
 * alone in brackets after a label ("Visitor (Mónica Henríquez):") or a form field's value:
 * chat transcripts and forms, which the training corpora hardly have. */
const SPEAKER_BEFORE = /(?:^|\n)[ \t]*(?:\[[^\]\n]{1,20}\][ \t]*)?$/;
const SPEAKER_AFTER = /^(?:[ \t]*\([^)\n]{1,20}\))?:/;
const BRACKETED_LABEL_BEFORE = /(?:^|\n)[ \t]*\p{Lu}\p{Ll}+[ \t]*\($/u;

/** A form field whose whole value is the name: "Prescriber: Destiney Quitzon, DEA …",
 * "Insurance verification: Electa Gerhold, subscriber ID …". */
const FIELD_LABEL_BEFORE = /(?:^|\n)[ \t]*\p{Lu}\p{Ll}+(?: \p{Ll}+)?:[ \t]*$/u;
const FIELD_VALUE_AFTER = /^(?:,|[ \t]*(?:\n|$)|\t| {2})/;

function speakerLabel(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 30), start);
  const after = text.slice(end, end + 24);
  if (SPEAKER_BEFORE.test(before) && SPEAKER_AFTER.test(after)) return true;
  if (FIELD_LABEL_BEFORE.test(before) && FIELD_VALUE_AFTER.test(after)) return true;
  return BRACKETED_LABEL_BEFORE.test(before) && after.startsWith('):');
}

/** A tab or a run of spaces between two words: form columns ("Jaeden Bins   DOB: …"). */
const LAYOUT_GAP = /\t| {3}/;

/** Punctuation between two words that no name runs across ("Portland, Oregon" is two places). */
const HARD_BREAK = /[,;:()[\]{}|<>"“”!?\n/\\]/;

/**
 * Cuts a tagged span where a name cannot continue: at hard punctuation, and at lower-case words
 * inside a capitalised name other than particles and connectors ("Bank of America" stays whole,
 * "Oregon to Berlin" does not). Returns [first, last] word index pairs.
 */
function splitAtBreaks(words: readonly Token[], first: number, last: number): [number, number][] {
  if (first === last) return [[first, last]];
  const capitalised = words[first].capitalized;
  const out: [number, number][] = [];
  let from = first;
  for (let i = first + 1; i <= last; i++) {
    const w = words[i];
    const breaks = HARD_BREAK.test(w.gapBefore) || LAYOUT_GAP.test(w.gapBefore);
    const foreign =
      capitalised &&
      !w.capitalized &&
      !NAME_PARTICLES.has(w.lower) &&
      !NAME_CONNECTORS.has(w.lower) &&
      !JOINERS.has(w.lower);
    if (breaks) {
      out.push([from, i - 1]);
      from = i;
    } else if (foreign) {
      out.push([from, i - 1]);
      from = i + 1;
    }
  }
  if (from <= last) out.push([from, last]);
  return out.filter(([a, b]) => a <= b);
}

const JOINERS = new Set(['of', 'the', 'and', 'for', 'on', 'upon', 'de', 'la', 'del', 'y']);

const LATIN = /[A-Za-z\u00c0-\u024f]/;

/** Rule filters for what the model proposes: shapes that are never a name of this type. */
function plausible(
  text: string,
  words: readonly Token[],
  first: number,
  last: number,
  type: string,
): boolean {
  const w = words[first];
  // The model learned from Latin-script text only; elsewhere its guesses say nothing.
  if (!LATIN.test(w.text)) return false;
  // "Mozilla/5.0": a product and its version.
  if (versionFollows(text, words[last].end)) return false;
  // "Parkinson's disease", "Down syndrome": an eponym, not a person.
  if (words[last].possessive && EPONYM_NOUNS.has(words[last + 1]?.lower ?? '')) return false;
  if (first === last) {
    const lower = w.lower;
    // "curl -H", "x": one letter is an option or a variable, never a name the model can tell.
    if (w.text.replace(/\W/g, '').length < 2) return false;
    // "Visitor (Mónica Henríquez):": a role labelling the speaker in brackets after it.
    if (
      SPEAKER_BEFORE.test(text.slice(Math.max(0, w.start - 30), w.start)) &&
      /^[ \t]*\([^)\n]{1,40}\):/.test(text.slice(w.end, w.end + 48))
    ) {
      return false;
    }
    // Field labels and titles on their own ("Insurance:", "Employer", "Dr").
    if (
      TITLES.has(lower) ||
      ORG_CUES_BEFORE.has(lower) ||
      PERSON_CUES_BEFORE.has(lower) ||
      PLACE_CUES_BEFORE.has(lower)
    ) {
      return false;
    }
    if (type === 'ORGANIZATION' && NOT_ORGANIZATIONS.has(lower)) return false;
    // "DEA AB1234563", "NPI: 1234…": an acronym labelling the number after it.
    const next = words[first + 1];
    const after = next ? next.gapBefore : text.slice(w.end, w.end + 4);
    if (
      w.allCaps &&
      (/^\W*\d/.test(after) || (next && /\d/.test(next.text) && /^\W*$/.test(after)))
    ) {
      return false;
    }
    // "SKU PRO-730-Y", "Twitter: @handle": a label naming the code or handle after it.
    if (
      /^\s*:?\s*@\w/.test(text.slice(w.end, w.end + 6)) ||
      (w.allCaps && /^ [A-Z0-9]+-[A-Z0-9-]*\d/.test(text.slice(w.end, w.end + 24)))
    ) {
      return false;
    }
    // "0.72 BTC", "-63 dBm": a unit or currency after an amount.
    if (/(?:\d[.,]\d+|-\d+) $/.test(text.slice(Math.max(0, w.start - 12), w.start))) return false;
    // "a 2015 Honda", "a 2021 Bentley": a vehicle after its model year, not a name.
    if (/\b(?:19|20)\d\d\s+$/.test(w.gapBefore)) return false;
    // "a Mastercard 5555 payment": a card, not the company.
    if (type === 'ORGANIZATION' && /^ \d/.test(after)) return false;
  }
  return true;
}
