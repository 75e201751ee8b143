import type { Candidate } from './types';

/** How far around a span context words are looked for (UTF-16 units). */
export const CONTEXT_BEFORE = 48;
export const CONTEXT_AFTER = 24;
/** Score added when a context word is near (Presidio's context similarity factor). */
export const CONTEXT_BOOST = 0.35;
/** A span with supporting context never scores below this. */
export const CONTEXT_FLOOR = 0.4;

/** Lowercase words separated by single spaces, padded, so " word " finds whole words. */
function normalizeWindow(window: string): string {
  return ` ${window.toLowerCase().replace(/[^\p{L}\p{N}#/'’.-]+/gu, ' ').replace(/[.'’-](?=\s|$)/g, ' ')} `;
}

/** Context words (whole words or phrases, plural "s" allowed) found near the span. */
export function findContextWords(text: string, candidate: Candidate, words: readonly string[]): string[] {
  const before = text.slice(Math.max(0, candidate.start - CONTEXT_BEFORE), candidate.start);
  const after = text.slice(candidate.end, candidate.end + CONTEXT_AFTER);
  // Only the line the span is on: a label on the previous line of a log rarely applies.
  const window = normalizeWindow(before.slice(before.lastIndexOf('\n') + 1) + ' ' + after.split('\n')[0]);
  return words.filter((w) => window.includes(` ${w} `) || window.includes(` ${w}s `) || window.includes(` ${w}# `));
}

/**
 * Raises scores of candidates with context words nearby and drops context-required candidates
 * without any. Returns new objects; inputs are not mutated.
 */
export function applyContext(text: string, candidates: readonly Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates) {
    const words = c.context && c.context.length > 0 ? findContextWords(text, c, c.context) : [];
    if (words.length === 0) {
      if (!c.requiresContext) out.push(c);
      continue;
    }
    const score = Math.min(1, Math.max(CONTEXT_FLOOR, c.score + CONTEXT_BOOST));
    out.push({ ...c, score, explanation: { ...c.explanation, contextWords: words } });
  }
  return out;
}
