import { US_STATES } from '../recognizers/us-states';
import type { Candidate, Recognizer } from '../types';
import {
  NAME_CONNECTORS,
  ORG_CUES_BEFORE,
  WEAK_CUES_AFTER,
  WEAK_ORG_CUES_BEFORE,
  NAME_PARTICLES,
  ORG_PREFIXES,
  ORG_SUFFIXES,
  PERSON_CUES_AFTER,
  PERSON_CUES_BEFORE,
  PLACE_CUES_BEFORE,
  PLACE_NOUNS_AFTER,
  PLACE_SUFFIXES,
  STRONG_ORG_SUFFIXES,
  TITLES,
} from './cues';
import { gazetteers, type Gazetteers } from './gazetteers';
import { NOT_ORGANIZATIONS } from './organizations';
import { tokenize, type Token } from './tokens';

type NamedType = 'PERSON' | 'LOCATION' | 'ORGANIZATION';

/** How much a word on its own says "this is a person's name". */
type NameStrength = 'strong' | 'weak' | 'unknown' | 'none';

type Word = Token;

/** Nouns after a possessive name that make it an eponym ("Down syndrome", "Parkinson's disease"). */
export const EPONYM_NOUNS: ReadonlySet<string> = new Set([
  'disease',
  'syndrome',
  'law',
  'principle',
  'theorem',
  'sign',
  'palsy',
  'test',
  'method',
]);

const MAX_NGRAM = 5;
/** Longest run of capitalised words looked at as one unit; longer runs (titles, shouting) are split. */
const MAX_RUN = 12;
/** Longest organization name, in words, before its suffix. */
const MAX_ORG_WORDS = 8;
/** Longest personal name, in words. */
const MAX_NAME_WORDS = 6;
const STATE_CODES = new Set(Object.keys(US_STATES));

/**
 * PERSON, LOCATION and ORGANIZATION from capitalisation, gazetteers (compromise's lexicon,
 * cspell people names, GeoNames cities) and cue words, in one linear pass over the tokens.
 * Running the full compromise tagger on every text is too slow for the 1 MB/s budget; its
 * lexicon carries most of what it knows about names, places and organizations.
 */
export class NamedEntityRecognizer implements Recognizer {
  readonly name = 'NamedEntityRecognizer';
  readonly types = ['PERSON', 'LOCATION', 'ORGANIZATION'];
  private readonly g: Gazetteers;
  private readonly firstWords: ReadonlySet<string>;
  private readonly firstWordCache = new Map<string, string>();
  private readonly placePrefixes: ReadonlySet<string>;
  private readonly organizationPrefixes: ReadonlySet<string>;

  constructor(g: Gazetteers = gazetteers()) {
    this.g = g;
    const firstWords = new Set<string>();
    for (const key of [...g.places.keys(), ...g.organizations]) firstWords.add(firstWordOf(key));
    this.firstWords = firstWords;
    this.placePrefixes = keyPrefixes(g.places.keys());
    this.organizationPrefixes = keyPrefixes(g.organizations);
  }

  analyze(text: string): Candidate[] {
    return this.analyzeWords(text, wordsOf(text));
  }

  /** Like analyze, over words already made by `wordsOf(text)` (shared with the model). */
  analyzeWords(text: string, words: readonly Word[]): Candidate[] {
    const out: Candidate[] = [];
    let i = 0;
    while (i < words.length) {
      if (!words[i].capitalized) {
        i++;
        continue;
      }
      const end = this.runEnd(words, i);
      // "Mozilla/5.0", "Mobile Safari/537.36": a product and its version, not a name.
      if (!versionFollows(text, words[end - 1].end)) this.classifyRun(text, words, i, end, out);
      i = end;
    }
    this.findLowercaseNames(words, out);
    this.findLowercasePlaces(words, out);
    this.findSurnameFirst(words, out);
    return out;
  }

  /** Capitalised words joined by single spaces, "&", initials' dots and lowercase name particles. */
  private runEnd(words: readonly Word[], start: number): number {
    let j = start + 1;
    while (j < words.length && j - start < MAX_RUN) {
      const prev = words[j - 1];
      const next = words[j];
      if (next.sentenceStart || (prev.possessive && !ORG_SUFFIXES.has(next.lower))) break;
      const gap = next.gapBefore;
      const abbreviation =
        prev.initial || TITLES.has(prev.lower) || ['st', 'mt', 'ft'].includes(prev.lower);
      const joinable =
        gap === ' ' ||
        gap === '  ' ||
        /^\s?&\s?$/.test(gap) ||
        (/^\. ?$/.test(gap) && abbreviation);
      if (!joinable) break;
      if (next.capitalized) {
        j++;
        continue;
      }
      const after = words[j + 1];
      const bridge =
        (NAME_PARTICLES.has(next.lower) || NAME_CONNECTORS.has(next.lower)) &&
        after?.capitalized &&
        / {1,2}/.test(after.gapBefore) &&
        !after.sentenceStart;
      if (!bridge) break;
      j += 2;
    }
    return j;
  }

  private classifyRun(
    text: string,
    words: readonly Word[],
    start: number,
    end: number,
    out: Candidate[],
  ): void {
    const capsLine = words[start].capsLine;
    let k = start;
    let titled = false;
    // "St. Mary's Hospital" is an organization, not Saint Mary.
    const orgFirst = this.organizationAt(words, start, end);
    if (orgFirst > start) {
      out.push(this.candidate('ORGANIZATION', words, start, orgFirst, 0.85, 'organization'));
      if (orgFirst < end) this.classifyRun(text, words, orgFirst, end, out);
      return;
    }
    while (k < end && TITLES.has(words[k].lower) && k + 1 < end) {
      titled = true;
      k++;
    }
    if (titled) {
      const stop = this.personEnd(words, k, end);
      if (stop > k) out.push(this.candidate('PERSON', words, k, stop, 0.9, 'title'));
      if (stop < end) this.classifyRun(text, words, stop, end, out);
      return;
    }
    while (k < end) {
      const consumed = this.matchAt(text, words, k, end, capsLine, out);
      k = consumed > k ? consumed : k + 1;
    }
  }

  /** Tries organization, place and person readings at word k; returns the index after the match. */
  private matchAt(
    text: string,
    words: readonly Word[],
    k: number,
    end: number,
    capsLine: boolean,
    out: Candidate[],
  ): number {
    const w = words[k];
    const org = this.organizationAt(words, k, end);
    if (org > k) {
      out.push(this.candidate('ORGANIZATION', words, k, org, 0.85, 'organization'));
      return org;
    }
    const place = this.placeAt(text, words, k, end);
    if (place) {
      out.push(this.candidate('LOCATION', words, k, place.end, place.score, place.rule));
      return place.end;
    }
    if (this.isFiller(w) && !this.startsName(words, k, end) && !this.cuedName(words, k))
      return k + 1;
    // "2021 Bentley": a make after a model year is a product.
    if (afterModelYear(w.gapBefore)) return k + 1;
    const stop = this.personEnd(words, k, end);
    if (stop === k) return k + 1;
    // "Parkinson's disease": an eponym, not a person.
    if (words[stop - 1].possessive && EPONYM_NOUNS.has(words[stop]?.lower ?? '')) return stop;
    let score = this.personScore(words, k, stop, capsLine);
    if (stop - k === 1 && this.isSpeakerLabel(words, k) && this.strength(w) !== 'none') {
      score = Math.max(score, 0.75);
    }
    if (score > 0) out.push(this.candidate('PERSON', words, k, stop, score, 'name'));
    return stop;
  }

  /** A capitalised word that is plainly an ordinary word ("Yesterday", "Customer", "The"). */
  private isFiller(w: Word): boolean {
    if (this.g.firstNames.has(w.lower) && !this.g.commonWords.has(w.lower)) return false;
    return (
      this.g.commonWords.has(w.lower) ||
      (this.g.dictionary.has(w.lower) && !this.g.names.has(w.lower)) ||
      TITLES.has(w.lower)
    );
  }

  /** "Grace: Can you…", "[10:02] Costanza: hey", "Annibale (support):": a chat speaker. */
  private isSpeakerLabel(words: readonly Word[], k: number): boolean {
    const w = words[k];
    const next = words[k + 1];
    const lineStart = k === 0 || /\n|\]\s*$/.test(w.gapBefore) || /[.?!]\s+$/.test(w.gapBefore);
    if (!lineStart || !next) return false;
    // "MRN: 00482913", "Dx: C50.911", "Telefon: 030 901820": a label whose value is a number
    // or a code is a form field, not someone speaking.
    const fieldValue =
      /^: \d/.test(next.gapBefore) || (next.gapBefore === ': ' && /\d/.test(next.text));
    return (
      (/^: /.test(next.gapBefore) && !fieldValue) ||
      /^ \($/.test(next.gapBefore) ||
      (/^ here$/.test(` ${next.lower}`) && next.lower === 'here')
    );
  }

  /** "Ask Will", "Dear Rose": a word that is also a name, with a person cue around it. */
  private cuedName(words: readonly Word[], k: number): boolean {
    return (
      this.g.names.has(words[k].lower) && !words[k].sentenceStart && this.personCue(words, k, k + 1)
    );
  }

  /** "Will Smith", "Rose Garcia": a name-like word followed by a surname. */
  private startsName(words: readonly Word[], k: number, end: number): boolean {
    const next = words[k + 1];
    if (k + 1 >= end || !next) return false;
    return (
      this.g.names.has(words[k].lower) && this.strength(next) !== 'none' && !this.isFiller(next)
    );
  }

  private strength(w: Word): NameStrength {
    const { firstNames, names, commonWords, dictionary } = this.g;
    if (w.initial) return 'weak';
    // Acronyms ("SSN", "ICU") in ordinary text are not names.
    if (
      w.allCaps &&
      w.text.length <= 5 &&
      !names.has(w.lower) &&
      !firstNames.has(w.lower) &&
      !w.capsLine
    )
      return 'none';
    if (firstNames.has(w.lower)) return commonWords.has(w.lower) ? 'weak' : 'strong';
    if (names.has(w.lower))
      return commonWords.has(w.lower) || dictionary.has(w.lower) ? 'weak' : 'strong';
    if (commonWords.has(w.lower) || dictionary.has(w.lower)) return 'none';
    if (this.g.places.has(w.lower) || ORG_SUFFIXES.has(w.lower)) return 'none';
    return /^[\p{L}\p{M}'’-]+$/u.test(w.text) ? 'unknown' : 'none';
  }

  /** Extends a person's name over name-like words, particles and initials. */
  private personEnd(words: readonly Word[], k: number, end: number): number {
    let j = k;
    const limit = Math.min(end, k + MAX_NAME_WORDS);
    while (j < limit) {
      const w = words[j];
      if (ORG_SUFFIXES.has(w.lower) || PLACE_SUFFIXES.has(w.lower)) break;
      if (!w.capitalized) {
        if (!NAME_PARTICLES.has(w.lower) || j === k) break;
        j++;
        continue;
      }
      if (j > k && this.strength(w) === 'none') break;
      j++;
      if (w.possessive) break;
    }
    while (j > k && !words[j - 1].capitalized) j--;
    return j;
  }

  private personScore(words: readonly Word[], k: number, stop: number, capsLine: boolean): number {
    const parts = words.slice(k, stop).filter((w) => w.capitalized && !w.initial);
    if (parts.length === 0) return 0;
    const strengths = parts.map((w) => this.strength(w));
    const first = words[k];
    const firstIsGiven = this.g.firstNames.has(first.lower) && !this.g.commonWords.has(first.lower);
    const cue = this.personCue(words, k, stop, parts.length === 1 && strengths[0] !== 'strong');
    let score: number;
    if (parts.length >= 2) {
      if (strengths.includes('none')) score = 0;
      else if (firstIsGiven) score = 0.9;
      else if (strengths.every((s) => s === 'unknown')) score = capsLine ? 0 : 0.6;
      else if (strengths.some((s) => s === 'strong')) score = 0.8;
      else score = 0.6;
    } else {
      const s = strengths[0];
      if (firstIsGiven) score = first.sentenceStart ? 0.65 : 0.75;
      else if (s === 'strong') score = first.sentenceStart ? 0.35 : 0.55;
      else if (s === 'weak') score = first.sentenceStart ? 0 : 0.3;
      else if (s === 'unknown') score = first.sentenceStart || capsLine ? 0.2 : 0.35;
      else score = 0;
    }
    if (score > 0 && cue) score = Math.min(0.95, score + 0.25);
    if (capsLine && !firstIsGiven && !cue) score = Math.min(score, 0.35);
    return score;
  }

  private personCue(words: readonly Word[], k: number, stop: number, strongOnly = false): boolean {
    const before = words[k - 1];
    const after = words[stop];
    const beforeCue =
      before !== undefined &&
      PERSON_CUES_BEFORE.has(before.lower) &&
      /^[\s,:.]{0,3}$/.test(words[k].gapBefore) &&
      !['is', 'and', 'or', 'to', 'for', 'from', 'with', 'as', 'by'].includes(before.lower);
    const afterCue =
      after !== undefined &&
      PERSON_CUES_AFTER.has(after.lower) &&
      !(strongOnly && WEAK_CUES_AFTER.has(after.lower)) &&
      /^,? {1,2}$/.test(after.gapBefore) &&
      !words[stop - 1].possessive;
    return beforeCue || afterCue || words[stop - 1].possessive;
  }

  private organizationAt(words: readonly Word[], k: number, end: number): number {
    if (this.isFieldLabel(words, k)) return k;
    const cue = this.orgCue(words, k);
    // "2015 Honda", "2023 Mahindra & Mahindra": a make after a model year is a product.
    if (afterModelYear(words[k].gapBefore)) return k;
    const gazetteer = this.longestGazetteerMatch(
      words,
      k,
      end,
      this.g.organizations,
      this.organizationPrefixes,
    );
    if (gazetteer > k && this.orgReadingHolds(words, k, gazetteer, end)) {
      const ambiguous = NOT_ORGANIZATIONS.has(keyOf(words, k, gazetteer));
      if (!ambiguous || cue !== 'none') {
        let j = gazetteer;
        while (j < end && ORG_SUFFIXES.has(words[j].lower) && !words[j - 1].possessive) j++;
        return j;
      }
    }
    // "Company: Quitzon Analytics", "insurer Anthem": a label says what the capitalised run is.
    if (cue === 'strong' && !this.g.firstNames.has(words[k].lower) && !this.isFiller(words[k]))
      return this.extendOrgTail(words, k, end);
    if (ORG_PREFIXES.has(words[k].lower) && words[k + 1]?.lower === 'of' && k + 2 < end)
      return this.extendOrgTail(words, k + 2, end);
    let m = k;
    const orgLimit = Math.min(end, k + MAX_ORG_WORDS);
    while (m < orgLimit) {
      const w = words[m];
      if (m > k && w.gapBefore.includes('&')) return this.extendOrgTail(words, m, end);
      if (
        m > k &&
        ORG_SUFFIXES.has(w.lower) &&
        (STRONG_ORG_SUFFIXES.has(w.lower) || m - k >= 1) &&
        !this.allFiller(words, k, m)
      ) {
        return this.extendOrgTail(words, m, end);
      }
      if (!w.capitalized && !NAME_CONNECTORS.has(w.lower)) break;
      m++;
    }
    return k;
  }

  /**
   * A known organization's name can be something else: an acronym must be written in capitals
   * ("IBM", not "Mit"); a brand before a number is a product ("2015 Honda", "Amex 4618 …"); a
   * name before a surname is a person ("Delta Nitzsche").
   */
  private orgReadingHolds(words: readonly Word[], k: number, stop: number, end: number): boolean {
    const key = keyOf(words, k, stop);
    if (key.length <= 4 && stop - k === 1 && !words[k].allCaps) return false;
    const next = words[stop];
    const textAfter = next?.gapBefore ?? '';
    if (/^ \d/.test(textAfter)) return false;
    if (
      stop - k === 1 &&
      stop < end &&
      this.strength(words[stop]) !== 'none' &&
      !ORG_SUFFIXES.has(words[stop].lower)
    )
      return false;
    return true;
  }

  /** "DEA AB1234563", "NPI: 1234567893": an acronym labelling an id is a field name. */
  private isFieldLabel(words: readonly Word[], k: number): boolean {
    const w = words[k];
    if (!w.allCaps) return false;
    const next = words[k + 1];
    const gap = next?.gapBefore ?? '';
    return /^\s?[:#]/.test(gap) || /\d/.test(gap) || /\d/.test(next?.text ?? '');
  }

  private orgCue(words: readonly Word[], k: number): 'strong' | 'weak' | 'none' {
    const before = words[k - 1];
    if (!before || !/^[\s:,(|-]{1,4}$/.test(words[k].gapBefore)) return 'none';
    if (ORG_CUES_BEFORE.has(before.lower)) return 'strong';
    if (WEAK_ORG_CUES_BEFORE.has(before.lower) && / {1,2}/.test(words[k].gapBefore)) {
      const verb = words[k - 2]?.lower ?? '';
      return [
        'works',
        'worked',
        'working',
        'employed',
        'interview',
        'job',
        'role',
        'position',
        'customer',
        'client',
        'clients',
        'account',
      ].includes(verb)
        ? 'strong'
        : 'weak';
    }
    return 'none';
  }

  private allFiller(words: readonly Word[], k: number, m: number): boolean {
    for (let i = k; i < Math.min(m, k + MAX_RUN); i++)
      if (!this.g.commonWords.has(words[i].lower) || words[i].allCaps) return false;
    return true;
  }

  /** An organization name runs on over further capitalised words and legal suffixes. */
  private extendOrgTail(words: readonly Word[], from: number, end: number): number {
    let j = from + 1;
    const limit = Math.min(end, from + MAX_ORG_WORDS);
    while (j < limit && words[j].capitalized && !words[j - 1].possessive) j++;
    return j;
  }

  private placeAt(
    text: string,
    words: readonly Word[],
    k: number,
    end: number,
  ): { end: number; score: number; rule: string } | undefined {
    const { places } = this.g;
    const stop = this.longestGazetteerMatch(words, k, end, places, this.placePrefixes);
    const cue = this.placeCue(words, k);
    const stateAfter = this.stateFollows(text, words, stop > k ? stop : end);
    if (stop > k) {
      if (!this.placeReadingHolds(words, k, stop, end, cue || stateAfter)) return undefined;
      const kind = places.get(keyOf(words, k, stop));
      const base = kind === 'city' ? 0.75 : 0.85;
      const rule = kind === 'major_city' ? 'city' : kind;
      return {
        end: stop,
        score: cue || stateAfter ? Math.max(base, 0.85) : base,
        rule: `gazetteer_${rule ?? 'place'}`,
      };
    }
    const w = words[k];
    // "Springfield, IL": an unknown capitalised run right before a state is a city.
    if (stateAfter && !this.allFiller(words, k, end) && !this.personLike(words, k, end))
      return { end, score: 0.8, rule: 'city_before_state' };
    if (this.isStateCodeAfterCity(words, k)) return { end: k + 1, score: 0.75, rule: 'state_code' };
    // "in Leiden", "our Roma office": an unknown single word where a place is expected.
    if (
      cue &&
      end - k === 1 &&
      this.strength(w) === 'unknown' &&
      !this.personCue(words, k, k + 1, true)
    ) {
      return { end: k + 1, score: 0.6, rule: 'place_cue' };
    }
    const last = words[end - 1];
    if (end - k >= 2 && PLACE_SUFFIXES.has(last.lower) && !this.allFiller(words, k, end - 1)) {
      return { end, score: 0.7, rule: 'place_suffix' };
    }
    return undefined;
  }

  /** A gazetteer place can be a person ("Sofia", "Montana reports", "Israel Hand") or a word. */
  private placeReadingHolds(
    words: readonly Word[],
    k: number,
    stop: number,
    end: number,
    cued: boolean,
  ): boolean {
    if (stop - k > 1) return true;
    const w = words[k];
    const before = words[k - 1];
    const nameLike = this.g.names.has(w.lower) || this.g.firstNames.has(w.lower);
    const common = this.g.commonWords.has(w.lower) || this.g.dictionary.has(w.lower);
    if (nameLike && (this.startsName(words, k, end) || TITLES.has(before?.lower ?? '')))
      return false;
    const next = words[k + 1];
    if (
      nameLike &&
      k + 1 < end &&
      next &&
      next.capitalized &&
      !next.allCaps &&
      this.strength(next) !== 'none' &&
      !this.g.places.has(next.lower) &&
      !PLACE_SUFFIXES.has(next.lower)
    )
      return false;
    if (cued) return !(common && w.sentenceStart);
    if (common) return false;
    if (nameLike && this.personCue(words, k, k + 1)) return false;
    if (nameLike && this.g.places.get(w.lower) === 'city') return false;
    return true;
  }

  private placeCue(words: readonly Word[], k: number): boolean {
    const before = words[k - 1];
    if (!before || !/^[ :]{1,3}$/.test(words[k].gapBefore)) return false;
    if (PLACE_CUES_BEFORE.has(before.lower)) return true;
    // "our Roma office", "the Valladolid expo".
    const after = words[k + 1];
    return (
      (before.lower === 'our' || before.lower === 'the') &&
      after !== undefined &&
      PLACE_NOUNS_AFTER.has(after.lower)
    );
  }

  /** "Leif Witting" before ", MD": a given name starts the run, so it is a person. */
  private personLike(words: readonly Word[], k: number, end: number): boolean {
    return (
      this.g.firstNames.has(words[k].lower) ||
      (end - k >= 2 && this.strength(words[k]) === 'strong')
    );
  }

  /** Whether ", IL" or ", Illinois" follows the word before index `end`. */
  private stateFollows(text: string, words: readonly Word[], end: number): boolean {
    const next = words[end];
    if (!next || !/^, ?$/.test(next.gapBefore)) return false;
    const afterState = words[end + 1];
    if (next.allCaps && afterState && /^\s?,/.test(afterState.gapBefore)) return false;
    return (
      (next.allCaps && STATE_CODES.has(next.text)) || this.g.places.get(next.lower) === 'state'
    );
  }

  private isStateCodeAfterCity(words: readonly Word[], k: number): boolean {
    const w = words[k];
    const prev = words[k - 1];
    const next = words[k + 1];
    // "Witting, MD, NPI …" is a credential; a state is followed by a ZIP or ends the phrase.
    if (next && /^\s?,/.test(next.gapBefore)) return false;
    if (!w.allCaps || !STATE_CODES.has(w.text) || prev === undefined || !prev.capitalized)
      return false;
    // Checked before the walk back: "CA NY CA NY …" would otherwise walk the whole text per word.
    if (!/^, ?$/.test(w.gapBefore)) return false;
    let runStart = k - 1;
    while (
      runStart > 0 &&
      words[runStart - 1].capitalized &&
      /^[ .]{1,2}$/.test(words[runStart].gapBefore)
    )
      runStart--;
    if (this.g.firstNames.has(words[runStart].lower) || TITLES.has(words[runStart].lower))
      return false;
    return (
      w.allCaps &&
      STATE_CODES.has(w.text) &&
      prev !== undefined &&
      prev.capitalized &&
      /^, ?$/.test(w.gapBefore)
    );
  }

  /** firstWordOf for a word's lowercase form, memoised (a word's own form almost always). */
  private firstWordOfWord(lower: string): string {
    let first = this.firstWordCache.get(lower);
    if (first === undefined) {
      if (this.firstWordCache.size >= 50_000) this.firstWordCache.clear();
      first = firstWordOf(lower);
      this.firstWordCache.set(lower, first);
    }
    return first;
  }

  /**
   * The longest run of words from k (at most MAX_NGRAM, ending in a capitalised word) that is a
   * gazetteer key. Keys are built forward and the walk stops once no key starts with the words
   * so far, so most words cost one lookup.
   */
  private longestGazetteerMatch(
    words: readonly Word[],
    k: number,
    end: number,
    keys: { has(key: string): boolean },
    prefixes: ReadonlySet<string>,
  ): number {
    // Every gazetteer key starts with a known first word; most words are not one.
    if (!this.firstWords.has(this.firstWordOfWord(words[k].lower))) return k;
    const limit = Math.min(end, k + MAX_NGRAM);
    let longest = k;
    let key = words[k].lower;
    for (let stop = k + 1; stop <= limit; stop++) {
      const last = words[stop - 1];
      if (stop > k + 1) key += keyGap(last.gapBefore) + last.lower;
      // A possessive word ends a key only at the limit ("McDonald's" as the last word read).
      const mayEnd = last.capitalized && !(last.possessive && stop < limit);
      if (mayEnd && keys.has(key)) longest = stop;
      if (!prefixes.has(key)) break;
    }
    return longest;
  }

  /** "from paris", "in münchen": a lowercase place after a place preposition. */
  private findLowercasePlaces(words: readonly Word[], out: Candidate[]): void {
    for (let i = 1; i < words.length; i++) {
      const w = words[i];
      if (w.capitalized || !['from', 'in', 'to', 'near', 'visiting'].includes(words[i - 1].lower))
        continue;
      for (const n of [3, 2, 1]) {
        if (i + n > words.length || words.slice(i, i + n).some((x) => x.capitalized)) continue;
        const key = keyOf(words, i, i + n);
        const kind = this.g.places.get(key);
        if (!kind || kind === 'city' || (n === 1 && this.g.commonWords.has(key))) continue;
        out.push(this.candidate('LOCATION', words, i, i + n, 0.6, 'lowercase_place'));
        i += n - 1;
        break;
      }
    }
  }

  /**
   * "this is magali lemaire from paris", "my name is tarik": after an introduction, up to three
   * lowercase words that are names or not ordinary words. Returns the end index, or i.
   */
  private introducedLowercaseName(words: readonly Word[], i: number): number {
    const w = words[i];
    const a = words[i - 2]?.lower;
    const b = words[i - 1]?.lower;
    const introduction =
      (a === 'this' && b === 'is') ||
      (a === 'name' && b === 'is') ||
      (a === 'i' && b === 'am') ||
      b === "i'm" ||
      b === 'named';
    if (!introduction || w.capitalized) return i;
    let j = i;
    while (j < words.length && j - i < 3) {
      const t = words[j];
      if (t.capitalized || (j > i && !/^ {1,2}$/.test(t.gapBefore))) break;
      const nameish =
        this.g.names.has(t.lower) ||
        this.g.firstNames.has(t.lower) ||
        !this.g.dictionary.has(t.lower);
      if (!nameish || this.g.commonWords.has(t.lower) || this.g.places.has(t.lower)) break;
      j++;
    }
    return j;
  }

  /** "BOTSFORD, ELVERA", "Garcia, Maria Elena": surname, comma, given name(s) in forms. */
  private findSurnameFirst(words: readonly Word[], out: Candidate[]): void {
    for (let i = 0; i + 1 < words.length; i++) {
      const last = words[i];
      const first = words[i + 1];
      if (!last.capitalized || !first.capitalized || !/^, ?$/.test(first.gapBefore)) continue;
      if (last.allCaps !== first.allCaps) continue;
      const given = this.g.firstNames.has(first.lower) && !this.g.commonWords.has(first.lower);
      const surname = this.strength(last) === 'strong' || this.strength(last) === 'unknown';
      // A record header in capitals ("BOTSFORD, ELVERA" opening a line) needs no known given name.
      const header =
        last.allCaps &&
        (i === 0 || last.gapBefore.includes('\n')) &&
        last.text.length >= 4 &&
        first.text.length >= 4 &&
        this.strength(first) !== 'none';
      if (!(given || header) || !surname) continue;
      if (this.g.places.has(last.lower) || this.g.places.has(first.lower)) continue;
      let stop = i + 2;
      const middle = words[stop];
      if (
        middle &&
        middle.capitalized &&
        /^ $/.test(middle.gapBefore) &&
        this.g.firstNames.has(middle.lower)
      )
        stop++;
      out.push(this.candidate('PERSON', words, i, stop, 0.8, 'surname_first'));
      i = stop - 1;
    }
  }

  /** "spoke with john smith", "my name is maria garcia": names written in lowercase. */
  private findLowercaseNames(words: readonly Word[], out: Candidate[]): void {
    const { firstNames, names, commonWords } = this.g;
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      const introduced = this.introducedLowercaseName(words, i);
      if (introduced > i) {
        out.push(this.candidate('PERSON', words, i, introduced, 0.7, 'lowercase_introduction'));
        i = introduced - 1;
        continue;
      }
      if (w.capitalized || !firstNames.has(w.lower) || commonWords.has(w.lower)) continue;
      const next = words[i + 1];
      const hasSurname =
        next !== undefined &&
        !next.capitalized &&
        / {1,2}/.test(next.gapBefore) &&
        next.gapBefore.length <= 2 &&
        names.has(next.lower) &&
        !commonWords.has(next.lower);
      const prev = words[i - 1];
      const cue =
        prev !== undefined &&
        [
          'is',
          'named',
          'dear',
          'hi',
          'hello',
          'hey',
          'thanks',
          'patient',
          'mr',
          'mrs',
          'ms',
          'dr',
        ].includes(prev.lower);
      if (!hasSurname && !cue) continue;
      const stop = hasSurname ? i + 2 : i + 1;
      out.push(
        this.candidate(
          'PERSON',
          words,
          i,
          stop,
          hasSurname && cue ? 0.8 : hasSurname ? 0.6 : 0.5,
          'lowercase_name',
        ),
      );
      i = stop - 1;
    }
  }

  private candidate(
    type: NamedType,
    words: readonly Word[],
    k: number,
    stop: number,
    score: number,
    rule: string,
  ): Candidate {
    return {
      type,
      start: words[k].start,
      end: words[stop - 1].end,
      score,
      recognizer: this.name,
      explanation: { pattern: `nlp_${rule}`, baseScore: score, validation: 'not_applicable' },
    };
  }
}

/** Marks words on stretches written mostly in capitals. */
/** "/" and a digit right after a word: a user-agent style product token. */
export function versionFollows(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 47) return false; // '/'
  const next = text.charCodeAt(at + 1);
  return next >= 48 && next <= 57;
}

/** The text's words, each marked when it stands in a stretch written in capitals. */
export function wordsOf(text: string): Word[] {
  const words = tokenize(text);
  markCapsNeighbourhoods(words);
  return words;
}

/** A word whose neighbours (3 each side) are mostly in capitals is in capitals text. */
function markCapsNeighbourhoods(words: Word[]): void {
  const radius = 3;
  // Counted from the words themselves: two arrays per call were half a million entries at 1 MB.
  const caps = (w: Word): number => (w.text.length >= 2 && w.allCaps ? 1 : 0);
  const long = (w: Word): number => (w.text.length >= 2 ? 1 : 0);
  let capsSum = 0;
  let longSum = 0;
  for (let i = 0; i < Math.min(radius, words.length); i++) {
    capsSum += caps(words[i]);
    longSum += long(words[i]);
  }
  for (let i = 0; i < words.length; i++) {
    const enter = i + radius;
    const leave = i - radius - 1;
    if (enter < words.length) {
      capsSum += caps(words[enter]);
      longSum += long(words[enter]);
    }
    if (leave >= 0) {
      capsSum -= caps(words[leave]);
      longSum -= long(words[leave]);
    }
    words[i].capsLine = longSum >= 2 && capsSum / longSum > 0.6;
  }
}

/** "2015 Honda": the gap before a word ends in a model year. */
function afterModelYear(gap: string): boolean {
  return gap.length >= 5 && /\b(?:19|20)\d{2} $/.test(gap);
}

/** The first word of a gazetteer key as keyOf would spell it ("at&t" → "at", "new york" → "new"). */
function firstWordOf(key: string): string {
  const m = /^[\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’.-](?=[\p{L}\p{M}]))*/u.exec(key);
  return m ? m[0] : key;
}

/** A gap between words as gazetteer keys spell it: runs of whitespace become one space. */
function keyGap(raw: string): string {
  return raw === ' ' || raw === '. ' || !/\s/.test(raw) ? raw : raw.replace(/\s+/g, ' ');
}

function keyOf(words: readonly Word[], k: number, stop: number): string {
  let key = words[k].lower;
  for (let i = k + 1; i < stop; i++) key += keyGap(words[i].gapBefore) + words[i].lower;
  return key;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/**
 * Every beginning of a key that ends where a word can end (before a character that is not a
 * letter, mark or digit): a key built word by word can still grow into a key only while it is
 * one of these.
 */
function keyPrefixes(keys: Iterable<string>): Set<string> {
  const prefixes = new Set<string>();
  for (const key of keys) {
    for (let p = 1; p < key.length; p++) {
      const c = key.charCodeAt(p);
      const wordChar =
        c < 128
          ? (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
          : WORD_CHAR.test(key[p]);
      if (!wordChar) prefixes.add(key.slice(0, p));
    }
  }
  return prefixes;
}
