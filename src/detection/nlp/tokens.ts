/** A word of the text with its offsets and the facts the NLP rules look at. */
export interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  /** First letter uppercase. */
  capitalized: boolean;
  /** Two or more letters, all uppercase. */
  allCaps: boolean;
  /** A capital letter followed by "." (an initial such as "J."). */
  initial: boolean;
  /** First word of a sentence, a line or a field value: its capital says nothing. */
  sentenceStart: boolean;
  /** Text between the previous token and this one. */
  gapBefore: string;
  /** Ended in a possessive "'s", which is left out of text and offsets. */
  possessive: boolean;
  /** On a stretch written mostly in capitals, where capitals say nothing (set by the caller). */
  capsLine: boolean;
}

// Letters, then letters/digits or an inner apostrophe, hyphen or dot followed by a letter.
const HAS_DIGIT = /\d/;
const WORD = /[\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’.-](?=[\p{L}\p{M}]))*/gu;
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
  let previous: Token | undefined;
  let previousRawEnd = 0;
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const possessive =
      raw.length > 3 &&
      (raw.endsWith('s') || raw.endsWith('S')) &&
      (raw[raw.length - 2] === "'" || raw[raw.length - 2] === '’');
    const word = possessive ? raw.slice(0, -2) : raw;
    const start = m.index;
    const end = start + word.length;
    // The gap starts after the previous word as written, possessive "'s" included.
    const gapBefore = text.slice(previous ? previousRawEnd : Math.max(0, start - 8), start);
    const first = word[0];
    // "C03005988" or "B2B" are codes, not names: a word with digits never starts a name.
    // Words glued to "_" are identifiers in code or config (AWS_ACCESS_KEY_ID), not names.
    const identifier = text[start + m[0].length] === '_' || text[start - 1] === '_';
    const capitalized = isUpper(first) && !identifier && !HAS_DIGIT.test(word);
    const lower = word.toLowerCase();
    const token: Token = {
      text: word,
      lower,
      start,
      end,
      capitalized,
      allCaps: word.length > 1 && word !== lower && word === word.toUpperCase(),
      initial: word.length === 1 && capitalized && text[end] === '.',
      sentenceStart: gapStartsSentence(previous ? gapBefore : text.slice(0, start), previous),
      gapBefore,
      possessive,
      capsLine: false,
    };
    tokens.push(token);
    previous = token;
    previousRawEnd = start + m[0].length;
  }
  return tokens;
}
