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
}

// Context lists are module constants shared by every call; compiling them once is safe to cache.
const compiledContexts = new WeakMap<readonly string[], CompiledContext>();

function compile(list: readonly string[]): CompiledContext {
  let compiled = compiledContexts.get(list);
  if (!compiled) {
    const words = new Set<string>();
    const phrases: string[] = [];
    for (const entry of list) {
      const normalized = normalize(entry).trim();
      if (normalized.includes(' ')) phrases.push(normalized);
      else if (normalized) words.add(normalized);
    }
    compiled = { words, phrases, phraseStarts: new Set(phrases.map((p) => p.split(' ')[0])) };
    compiledContexts.set(list, compiled);
  }
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

interface IndexedWord {
  start: number;
  end: number;
  lower: string;
  line: number;
}

/**
 * The text's words with offsets and line numbers, built once per call so that each span's
 * window is a binary search away (many recognizers propose the same digits).
 */
class ContextIndex {
  private readonly words: IndexedWord[] = [];
  private readonly newlines: number[] = [];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.newlines.push(i);
    let line = 0;
    for (const m of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}#'’.-]*/gu)) {
      while (line < this.newlines.length && this.newlines[line] < m.index) line++;
      // Context words all contain a letter; bare numbers never count, so they are not indexed.
      if (!/\p{L}/u.test(m[0])) continue;
      const lower = m[0].toLowerCase().replace(/[.'’-]+$/, '');
      this.words.push({ start: m.index, end: m.index + m[0].length, lower, line });
    }
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
    let hi = this.words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.words[mid].end > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Words within reach before and after the span, on the span's own line, outside the span. */
  window(start: number, end: number, before: number, after: number): string[] {
    const line = this.lineAt(start);
    const out: string[] = [];
    for (let i = this.firstEndingAfter(start - before); i < this.words.length; i++) {
      const w = this.words[i];
      if (w.start >= end + after) break;
      if (w.line !== line || (w.start >= start && w.end <= end)) continue;
      if (w.end > start && w.start < end) continue;
      out.push(w.lower);
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

/** Context words (whole words or phrases) near a span, on the span's own line. */
export function findContextWords(
  text: string,
  span: { start: number; end: number },
  words: readonly string[],
): string[] {
  const index = new ContextIndex(text);
  return matchWords(
    index.window(span.start, span.end, CONTEXT_BEFORE, CONTEXT_AFTER),
    compile(words),
  );
}

/**
 * Raises scores of candidates with context words nearby (more when the word is the span's
 * label) and drops context-required candidates without any. Returns new objects.
 */
export function applyContext(text: string, candidates: readonly Candidate[]): Candidate[] {
  let index: ContextIndex | undefined;
  // Several recognizers often propose the same span; its window is computed once.
  let lastSpan = '';
  let lastWindow: string[] = [];
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (!c.context || c.context.length === 0) {
      if (!c.requiresContext) out.push(c);
      continue;
    }
    index ??= new ContextIndex(text);
    const compiled = compile(c.context);
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
