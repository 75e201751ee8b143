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
    compiled = { words, phrases };
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

function matchWindow(window: string, context: CompiledContext): string[] {
  const normalized = normalize(window);
  const found = new Set<string>();
  for (const word of normalized.split(' ')) {
    if (word === '') continue;
    const hit = wordMatches(word, context.words);
    if (hit) found.add(hit);
  }
  if (context.phrases.length > 0) {
    const padded = ` ${normalized.replace(/\s+/g, ' ')} `;
    for (const phrase of context.phrases)
      if (padded.includes(` ${phrase} `) || padded.includes(` ${phrase}s `)) found.add(phrase);
  }
  return [...found];
}

/** Context words (whole words or phrases) near a span, on the span's own line. */
export function findContextWords(
  text: string,
  span: { start: number; end: number },
  words: readonly string[],
  reach = { before: CONTEXT_BEFORE, after: CONTEXT_AFTER },
): string[] {
  const before = text.slice(Math.max(0, span.start - reach.before), span.start);
  const after = reach.after > 0 ? text.slice(span.end, span.end + reach.after) : '';
  // Only the line the span is on: a label on the previous line of a log rarely applies.
  const window = before.slice(before.lastIndexOf('\n') + 1) + ' ' + after.split('\n')[0];
  return matchWindow(window, compile(words));
}

/**
 * Raises scores of candidates with context words nearby (more when the word is the span's
 * label) and drops context-required candidates without any. Returns new objects.
 */
export function applyContext(text: string, candidates: readonly Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates) {
    const words = c.context && c.context.length > 0 ? findContextWords(text, c, c.context) : [];
    if (words.length === 0) {
      if (!c.requiresContext) out.push(c);
      continue;
    }
    const label =
      findContextWords(text, c, c.context ?? [], { before: LABEL_DISTANCE, after: 0 }).length > 0;
    const boost = CONTEXT_BOOST + (label ? LABEL_BOOST : 0);
    const score = Math.min(1, Math.max(CONTEXT_FLOOR, c.score + boost));
    out.push({ ...c, score, explanation: { ...c.explanation, contextWords: words } });
  }
  return out;
}
