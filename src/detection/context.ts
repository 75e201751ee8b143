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

/** Lowercase words separated by single spaces, padded, so " word " finds whole words. */
function normalizeWindow(window: string): string {
  return ` ${window.toLowerCase().replace(/[^\p{L}\p{N}#'’.-]+/gu, ' ').replace(/[.'’-](?=\s|$)/g, ' ')} `;
}

/** Context words (whole words or phrases, plural "s" allowed) found near the span. */
export function findContextWords(
  text: string,
  span: { start: number; end: number },
  words: readonly string[],
  reach = { before: CONTEXT_BEFORE, after: CONTEXT_AFTER },
): string[] {
  const before = text.slice(Math.max(0, span.start - reach.before), span.start);
  const after = text.slice(span.end, span.end + reach.after);
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
    const label = findContextWords(text, c, words, { before: LABEL_DISTANCE, after: 0 }).length > 0;
    const boost = CONTEXT_BOOST + (label ? LABEL_BOOST : 0);
    const score = Math.min(1, Math.max(CONTEXT_FLOOR, c.score + boost));
    out.push({ ...c, score, explanation: { ...c.explanation, contextWords: words } });
  }
  return out;
}
