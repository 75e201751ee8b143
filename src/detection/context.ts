import type { Candidate } from './types';

/** How far around a span context words are looked for (UTF-16 units). */
export const CONTEXT_BEFORE = 48;
export const CONTEXT_AFTER = 24;
/** Score added when a context word is near (Presidio's context similarity factor). */
export const CONTEXT_BOOST = 0.35;
/** Extra boost when the context word is the span's label ("SSN: …", "routing 0210…"). */
export const LABEL_BOOST = 0.15;
/** How close (UTF-16 units between label end and span start) counts as a label. */
export const LABEL_DISTANCE = 16;
/** A span with supporting context never scores below this. */
export const CONTEXT_FLOOR = 0.4;

interface CompiledContext {
  words: ReadonlySet<string>;
  phrases: readonly string[];
  /** First words of the phrases: a window without one cannot hold a phrase. */
  phraseStarts: ReadonlySet<string>;
  /** Index words whose presence means a context word may be near: each word, its plural and
   * "#" form, and each phrase start (spelled out once, not per check). */
  presence: readonly string[];
  /** The same words as a set, for texts with fewer words than the list. */
  presenceSet: ReadonlySet<string>;
}

// Context lists are module constants shared by every call; compiling them once is safe to cache.
const compiledContexts = new WeakMap<readonly string[], CompiledContext>();

// The last list compiled: candidates and patterns mostly ask about one list several times in a row.
let lastList: readonly string[] | undefined;
let lastCompiled: CompiledContext | undefined;

function compile(list: readonly string[]): CompiledContext {
  if (list === lastList && lastCompiled) return lastCompiled;
  let compiled = compiledContexts.get(list);
  if (!compiled) {
    const words = new Set<string>();
    const phrases: string[] = [];
    for (const entry of list) {
      const normalized = normalize(entry).trim();
      if (normalized.includes(' ')) phrases.push(normalized);
      else if (normalized) words.add(normalized);
    }
    const phraseStarts = new Set(phrases.map((p) => p.split(' ')[0]));
    const presence = [...words].flatMap((w) => [w, `${w}s`, `${w}#`]);
    for (const w of phraseStarts) presence.push(w);
    compiled = { words, phrases, phraseStarts, presence, presenceSet: new Set(presence) };
    compiledContexts.set(list, compiled);
  }
  lastList = list;
  lastCompiled = compiled;
  return compiled;
}

/** Lowercase words separated by single spaces; "#" kept ("ss#"), trailing dots and dashes dropped. */
function normalize(window: string): string {
  return window
    .toLowerCase()
    .replace(/[^\p{L}\p{N}#'’.-]+/gu, ' ')
    .replace(/[.'’-](?=\s|$)/g, ' ');
}

/** A word matches itself, its plural and its "#" form ("ssns", "acct#"). */
function wordMatches(word: string, words: ReadonlySet<string>): string | undefined {
  if (words.has(word)) return word;
  const stem = word.endsWith('s') || word.endsWith('#') ? word.slice(0, -1) : '';
  return stem && words.has(stem) ? stem : undefined;
}

const LETTER = 1;
const DIGIT = 2;
const JOINER = 3;
/** Character kinds for ASCII: letter, digit, in-word punctuation (#'.-), or 0 (breaks a word). */
const ASCII_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z]/.test(ch)) ASCII_KIND[c] = LETTER;
  else if (/[0-9]/.test(ch)) ASCII_KIND[c] = DIGIT;
  else if ("#'.-".includes(ch)) ASCII_KIND[c] = JOINER;
}
const TRAILING = new Set([...".'’-"].map((ch) => ch.charCodeAt(0)));
const WIDE_LETTER = /\p{L}/u;
const WIDE_DIGIT = /\p{N}/u;

/** Kinds of BMP characters outside surrogates, classified on first sight: kind + 1, 0 unknown. */
const BMP_KIND = new Uint8Array(65536);

/** Kind of the non-ASCII, non-surrogate character c (one UTF-16 unit wide); as wideKind. */
function bmpKind(c: number): number {
  let k = BMP_KIND[c];
  if (k === 0) {
    const ch = String.fromCharCode(c);
    k = 1 + (WIDE_LETTER.test(ch) ? LETTER : WIDE_DIGIT.test(ch) ? DIGIT : ch === '’' ? JOINER : 0);
    BMP_KIND[c] = k;
  }
  return k - 1;
}

/** Kind and UTF-16 width of the (non-ASCII) code point at i. */
function wideKind(text: string, i: number): [number, number] {
  const cp = text.codePointAt(i) ?? 0;
  const ch = String.fromCodePoint(cp);
  const width = ch.length;
  if (WIDE_LETTER.test(ch)) return [LETTER, width];
  if (WIDE_DIGIT.test(ch)) return [DIGIT, width];
  return [ch === '’' ? JOINER : 0, width];
}

/**
 * The text's words with offsets and line numbers, built once per call so that each span's
 * window is a binary search away (many recognizers propose the same digits).
 */
export class ContextIndex {
  // One array per field rather than an object per word: a megabyte of text holds half a
  // million words, and plain number arrays cost the garbage collector next to nothing.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly lowers: string[] = [];
  private readonly lines: number[] = [];
  private readonly newlines: number[] = [];

  private wordSet: Set<string> | undefined;

  constructor(readonly text: string) {
    // Words are /[\p{L}\p{N}][\p{L}\p{N}#'’.-]*/u, scanned by hand: ASCII by code, the rest by regex.
    const n = text.length;
    let line = 0;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.newlines.push(i);
        line++;
        i++;
        continue;
      }
      let kind = c < 128 ? ASCII_KIND[c] : 0;
      let width = 1;
      if (c >= 128) {
        if (c < 0xd800 || c > 0xdfff) kind = bmpKind(c);
        else [kind, width] = wideKind(text, i);
      }
      if (kind !== LETTER && kind !== DIGIT) {
        i += width;
        continue;
      }
      const start = i;
      // Context words all contain a letter; bare numbers never count, so they are not indexed.
      let hasLetter = kind === LETTER;
      i += width;
      while (i < n) {
        const d = text.charCodeAt(i);
        let k = d < 128 ? ASCII_KIND[d] : 0;
        let w = 1;
        if (d >= 128) {
          if (d < 0xd800 || d > 0xdfff) k = bmpKind(d);
          else [k, w] = wideKind(text, i);
        }
        if (k === 0) break;
        if (k === LETTER) hasLetter = true;
        i += w;
      }
      if (!hasLetter) continue;
      let stop = i;
      while (stop > start && TRAILING.has(text.charCodeAt(stop - 1))) stop--;
      this.starts.push(start);
      this.ends.push(i);
      this.lowers.push(text.slice(start, stop).toLowerCase());
      this.lines.push(line);
    }
  }

  /** Whether the text holds this (lowercase) word anywhere. */
  hasWord(word: string): boolean {
    if (!this.wordSet) {
      this.wordSet = new Set();
      for (const lower of this.lowers) this.wordSet.add(lower);
    }
    return this.wordSet.has(word);
  }

  /** Whether the text holds any of these (lowercase) words; `set` holds the same words. */
  hasAnyWord(words: readonly string[], set: ReadonlySet<string>): boolean {
    // A short text's words are fewer than the list's: look them up instead of the list.
    if (!this.wordSet && this.lowers.length <= words.length) {
      for (const lower of this.lowers) if (set.has(lower)) return true;
      return false;
    }
    for (const w of words) if (this.hasWord(w)) return true;
    return false;
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Words within reach before and after the span, on the span's own line, outside the span. */
  window(start: number, end: number, before: number, after: number): string[] {
    const line = this.lineAt(start);
    const out: string[] = [];
    const { starts, ends } = this;
    for (let i = this.firstEndingAfter(start - before); i < starts.length; i++) {
      if (starts[i] >= end + after) break;
      if (this.lines[i] !== line || (starts[i] >= start && ends[i] <= end)) continue;
      if (ends[i] > start && starts[i] < end) continue;
      out.push(this.lowers[i]);
    }
    return out;
  }
}

function matchWords(words: readonly string[], context: CompiledContext): string[] {
  const found: string[] = [];
  for (const word of words) {
    const hit = wordMatches(word, context.words);
    if (hit && !found.includes(hit)) found.push(hit);
  }
  if (
    context.phrases.length > 0 &&
    words.length > 1 &&
    words.some((w) => context.phraseStarts.has(w))
  ) {
    const padded = ` ${words.join(' ')} `;
    for (const phrase of context.phrases)
      if (padded.includes(` ${phrase} `) || padded.includes(` ${phrase}s `)) found.push(phrase);
  }
  return found;
}

/**
 * What one detect call knows about its text, shared by the recognizers (pre-filtering) and
 * applyContext: the word index, built on first use. One per call, never shared between calls,
 * so concurrent or nested calls cannot see each other's text and nothing outlives the call.
 */
export class DetectionContext {
  private built: ContextIndex | undefined;
  private digitRun = -1;
  /** mayFindContext's answer per context list: the same list is asked about once per pattern. */
  private readonly contextPresence = new Map<readonly string[], boolean>();
  /** Pre-filter answers: several patterns share one pre-filter regex (month names, say). */
  private readonly prefilters = new Map<RegExp, boolean>();

  constructor(readonly text: string) {}

  /**
   * The longest run of ASCII digits (0-9, what `\d` matches) in the text, counted on first use:
   * a pattern whose every match holds a run of n digits cannot match a text without one.
   */
  get longestDigitRun(): number {
    if (this.digitRun < 0) {
      const { text } = this;
      let longest = 0;
      let run = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          run++;
          if (run > longest) longest = run;
        } else run = 0;
      }
      this.digitRun = longest;
    }
    return this.digitRun;
  }

  /** The text's word index, built on first use. */
  get index(): ContextIndex {
    this.built ??= new ContextIndex(this.text);
    return this.built;
  }

  /** Whether the index is built (checking context words is then nearly free). */
  get indexed(): boolean {
    return this.built !== undefined;
  }

  /** Whether the text matches this non-global, non-sticky pre-filter regex (asked once per call). */
  passes(prefilter: RegExp): boolean {
    let found = this.prefilters.get(prefilter);
    if (found === undefined) {
      found = prefilter.test(this.text);
      this.prefilters.set(prefilter, found);
    }
    return found;
  }

  /** Whether any word of the list (or its plural, "#" form or a phrase start) is in the text. */
  presenceOf(list: readonly string[]): boolean {
    let found = this.contextPresence.get(list);
    if (found === undefined) {
      const compiled = compile(list);
      found = this.index.hasAnyWord(compiled.presence, compiled.presenceSet);
      this.contextPresence.set(list, found);
    }
    return found;
  }

  /**
   * Builds the index now when a candidate will need it anyway (one has context words), so that
   * later context-required patterns can skip texts without their words before scanning at all.
   */
  prime(): void {
    void this.index;
  }
}

/**
 * Whether any of the context words occurs anywhere in the text: when none does, a
 * context-required candidate can never survive applyContext, so its recognizer may skip it.
 */
export function mayFindContext(
  context: DetectionContext,
  list: readonly string[] | undefined,
): boolean {
  if (!list || list.length === 0) return false;
  return context.presenceOf(list);
}

export function findContextWords(
  context: DetectionContext,
  span: { start: number; end: number },
  words: readonly string[],
): string[] {
  const index = context.index;
  return matchWords(
    index.window(span.start, span.end, CONTEXT_BEFORE, CONTEXT_AFTER),
    compile(words),
  );
}

/**
 * Raises scores of candidates with context words nearby (more when the word is the span's
 * label) and drops context-required candidates without any. Returns new objects.
 */
export function applyContext(
  context: DetectionContext,
  candidates: readonly Candidate[],
): Candidate[] {
  let index: ContextIndex | undefined;
  // Several recognizers often propose the same span; its window is computed once.
  let lastSpan = '';
  let lastWindow: string[] = [];
  let lastList: readonly string[] | undefined;
  let lastCompiled: CompiledContext = {
    words: new Set(),
    phrases: [],
    phraseStarts: new Set(),
    presence: [],
    presenceSet: new Set(),
  };
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (!c.context || c.context.length === 0) {
      if (!c.requiresContext) out.push(c);
      continue;
    }
    index ??= context.index;
    // Candidates of one recognizer share one list: skip the WeakMap lookup for runs of them.
    if (c.context !== lastList) {
      lastList = c.context;
      lastCompiled = compile(c.context);
    }
    const compiled = lastCompiled;
    const span = `${c.start}:${c.end}`;
    if (span !== lastSpan) {
      lastSpan = span;
      lastWindow = index.window(c.start, c.end, CONTEXT_BEFORE, CONTEXT_AFTER);
    }
    if (lastWindow.length === 0) {
      if (!c.requiresContext) out.push(c);
      continue;
    }
    const words = matchWords(lastWindow, compiled);
    if (words.length === 0) {
      if (!c.requiresContext) out.push(c);
      continue;
    }
    const label = matchWords(index.window(c.start, c.end, LABEL_DISTANCE, 0), compiled).length > 0;
    const boost = CONTEXT_BOOST + (label ? LABEL_BOOST : 0);
    const score = Math.min(1, Math.max(CONTEXT_FLOOR, c.score + boost));
    out.push({ ...c, score, explanation: { ...c.explanation, contextWords: words } });
  }
  return out;
}
