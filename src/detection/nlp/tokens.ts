const CAPITALIZED = 1;
const ALL_CAPS = 2;
const INITIAL = 4;
const SENTENCE_START = 8;
const POSSESSIVE = 16;
const CAPS_LINE = 32;

/**
 * A word of the text with its offsets and the facts the NLP rules look at. The yes/no facts
 * share one number: texts of a megabyte hold half a million words, and a smaller object per
 * word is less for the garbage collector to copy.
 */
export class Token {
  constructor(
    readonly text: string,
    readonly lower: string,
    readonly start: number,
    readonly end: number,
    /** Text between the previous token and this one. */
    readonly gapBefore: string,
    private flags: number,
  ) {}

  /** First letter uppercase. */
  get capitalized(): boolean {
    return (this.flags & CAPITALIZED) !== 0;
  }

  /** Two or more letters, all uppercase. */
  get allCaps(): boolean {
    return (this.flags & ALL_CAPS) !== 0;
  }

  /** A capital letter followed by "." (an initial such as "J."). */
  get initial(): boolean {
    return (this.flags & INITIAL) !== 0;
  }

  /** First word of a sentence, a line or a field value: its capital says nothing. */
  get sentenceStart(): boolean {
    return (this.flags & SENTENCE_START) !== 0;
  }

  /** Ended in a possessive "'s", which is left out of text and offsets. */
  get possessive(): boolean {
    return (this.flags & POSSESSIVE) !== 0;
  }

  /** On a stretch written mostly in capitals, where capitals say nothing (set by the caller). */
  get capsLine(): boolean {
    return (this.flags & CAPS_LINE) !== 0;
  }

  set capsLine(on: boolean) {
    this.flags = on ? this.flags | CAPS_LINE : this.flags & ~CAPS_LINE;
  }
}

/*
 * A word is /[\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’.-](?=[\p{L}\p{M}]))*\/u: a letter, then letters
 * or digits, or an inner apostrophe, hyphen or dot followed by a letter. Scanned by hand (ASCII by
 * code, the rest through a per-code-unit cache of the Unicode classes): the regex and its
 * per-match arrays were the tokenizer's main cost.
 */
const OTHER = 1;
const LETTER = 2;
const NUMBER = 3;
/** Kind of each BMP code unit, filled lazily (0: not looked up yet). */
const BMP_KIND = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  BMP_KIND[c] = /[A-Za-z]/.test(ch) ? LETTER : /[0-9]/.test(ch) ? NUMBER : OTHER;
}
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const UNICODE_NUMBER = /^\p{N}$/u;
const APOSTROPHE = 0x27;
const RIGHT_QUOTE = 0x2019;
const DOT = 0x2e;
const HYPHEN = 0x2d;

function classify(ch: string): number {
  return LETTER_OR_MARK.test(ch) ? LETTER : UNICODE_NUMBER.test(ch) ? NUMBER : OTHER;
}

/** Kind of the code point at i; its width is 2 for an astral (surrogate pair) code point. */
function kindAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) {
    let kind = BMP_KIND[c];
    if (kind === 0) kind = BMP_KIND[c] = classify(text[i]);
    return kind;
  }
  const cp = text.codePointAt(i) ?? c;
  return cp > 0xffff ? classify(String.fromCodePoint(cp)) : OTHER;
}

function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && (text.codePointAt(i) ?? c) > 0xffff ? 2 : 1;
}
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'mt',
  'jr',
  'sr',
  'vs',
  'etc',
  'inc',
  'ltd',
  'co',
  'corp',
  'no',
  'rev',
  'capt',
  'sgt',
  'lt',
  'gen',
  'col',
  'gov',
  'sen',
  'rep',
  'hon',
  'ave',
  'blvd',
  'dept',
  'univ',
  'approx',
  'e.g',
  'i.e',
]);

function isUpper(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

/** Whether a gap ends a sentence: ".", "!", "?", a newline, or a colon/bullet that opens a value. */
function gapStartsSentence(gap: string, previous: Token | undefined): boolean {
  if (!previous) return true;
  // Most gaps are one space: no newline, punctuation or quote, so no sentence break.
  if (gap === ' ') return false;
  if (gap.length === 1) {
    // The same rules as below for a one-character gap, without the regexes.
    if ('\n!?;:|>•*"“(['.includes(gap)) return true;
    if (gap !== '.') return false;
    return !(previous.initial || ABBREVIATIONS.has(previous.lower));
  }
  if (gap.includes('\n') || /[!?;:|>•*]/.test(gap) || /["“([]\s*$/.test(gap)) return true;
  if (!gap.includes('.')) return false;
  return !(previous.initial || ABBREVIATIONS.has(previous.lower));
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let previous: Token | undefined;
  let previousRawEnd = 0;
  let i = 0;
  while (i < n) {
    if (kindAt(text, i) !== LETTER) {
      i += widthAt(text, i);
      continue;
    }
    const start = i;
    // ASCII facts gathered while scanning spare the case-mapping and digit regex per word.
    let facts = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const kind = BMP_KIND[c];
        if (kind === LETTER) {
          facts |= c <= 90 ? HAS_UPPER : HAS_LOWER;
          i++;
          continue;
        }
        if (kind === NUMBER) {
          facts |= HAS_DIGIT;
          i++;
          continue;
        }
        if (
          (c === APOSTROPHE || c === DOT || c === HYPHEN) &&
          i + 1 < n &&
          kindAt(text, i + 1) === LETTER
        ) {
          i++;
          continue;
        }
        break;
      }
      const kind = kindAt(text, i);
      if (kind === LETTER || kind === NUMBER) {
        facts |= NOT_ASCII;
        i += widthAt(text, i);
        continue;
      }
      if (c === RIGHT_QUOTE && i + 1 < n && kindAt(text, i + 1) === LETTER) {
        facts |= NOT_ASCII;
        i++;
        continue;
      }
      break;
    }
    tokens.push((previous = makeToken(text, start, i, previous, previousRawEnd, facts)));
    previousRawEnd = i;
  }
  return tokens;
}

/** Facts about a word gathered while scanning it (bit flags: no object per word). */
const NOT_ASCII = 1;
const HAS_DIGIT = 2;
const HAS_UPPER = 4;
const HAS_LOWER = 8;
const UNDERSCORE = 0x5f;

function makeToken(
  text: string,
  start: number,
  rawEnd: number,
  previous: Token | undefined,
  previousRawEnd: number,
  facts: number,
): Token {
  const rawLength = rawEnd - start;
  const beforeLast = text.charCodeAt(rawEnd - 2);
  const lastChar = text.charCodeAt(rawEnd - 1);
  const possessive =
    rawLength > 3 &&
    (lastChar === 0x73 || lastChar === 0x53) &&
    (beforeLast === APOSTROPHE || beforeLast === RIGHT_QUOTE);
  const end = possessive ? rawEnd - 2 : rawEnd;
  const word = text.slice(start, end);
  // The gap starts after the previous word as written, possessive "'s" included.
  const gapBefore = text.slice(previous ? previousRawEnd : Math.max(0, start - 8), start);
  // "C03005988" or "B2B" are codes, not names: a word with digits never starts a name.
  // Words glued to "_" are identifiers in code or config (AWS_ACCESS_KEY_ID), not names.
  const identifier =
    text.charCodeAt(rawEnd) === UNDERSCORE || text.charCodeAt(start - 1) === UNDERSCORE;
  const first = text.charCodeAt(start);
  const upperFirst = first < 128 ? first >= 65 && first <= 90 : isUpper(word[0]);
  const capitalized = upperFirst && !identifier && (facts & HAS_DIGIT) === 0;
  let lower: string;
  let allCaps: boolean;
  if ((facts & NOT_ASCII) === 0) {
    // An ASCII word differs from its lower-case form only if it has an upper-case letter, and
    // is all capitals only without lower-case ones (the cut-off possessive "s" aside).
    lower = facts & HAS_UPPER ? word.toLowerCase() : word;
    const noLower = (facts & HAS_LOWER) === 0 || (possessive && !/[a-z]/.test(word));
    allCaps = word.length > 1 && word !== lower && noLower;
  } else {
    lower = word.toLowerCase();
    allCaps = word.length > 1 && word !== lower && word === word.toUpperCase();
  }
  const initial = word.length === 1 && capitalized && text.charCodeAt(end) === DOT;
  const sentenceStart = gapStartsSentence(previous ? gapBefore : text.slice(0, start), previous);
  const flags =
    (capitalized ? CAPITALIZED : 0) |
    (allCaps ? ALL_CAPS : 0) |
    (initial ? INITIAL : 0) |
    (sentenceStart ? SENTENCE_START : 0) |
    (possessive ? POSSESSIVE : 0);
  return new Token(word, lower, start, end, gapBefore, flags);
}
