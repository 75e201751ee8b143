import type { Candidate } from './types';

const MAX_DENY_TERMS = 5000;

function escape(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every whole-word, case-insensitive occurrence of a deny-list term, as a DENY_LIST candidate. */
export function findDenyListTerms(text: string, terms: readonly string[]): Candidate[] {
  const cleaned = [...new Set(terms.map((t) => t.trim()).filter((t) => t !== ''))].slice(
    0,
    MAX_DENY_TERMS,
  );
  if (cleaned.length === 0) return [];
  cleaned.sort((a, b) => b.length - a.length);
  // An alternation of escaped literals: no quantifiers, so matching is linear in the text.
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}_])(?:${cleaned.map(escape).join('|')})(?![\\p{L}\\p{N}_])`,
    'giu',
  );
  const out: Candidate[] = [];
  for (const m of text.matchAll(re)) {
    out.push({
      type: 'DENY_LIST',
      start: m.index,
      end: m.index + m[0].length,
      score: 1,
      recognizer: 'DenyListRecognizer',
      explanation: { pattern: 'deny_list', baseScore: 1, validation: 'not_applicable' },
    });
  }
  return out;
}

/** A deny-list hit on a span another recognizer typed keeps that type, at full confidence. */
export function mergeDenyList(
  candidates: readonly Candidate[],
  denied: readonly Candidate[],
): Candidate[] {
  if (denied.length === 0) return [...candidates];
  const out: Candidate[] = [];
  const typed = new Set<string>();
  for (const c of candidates) {
    const hit = denied.some((d) => d.start === c.start && d.end === c.end);
    if (hit) typed.add(`${c.start}:${c.end}`);
    out.push(
      hit
        ? {
            ...c,
            score: 1,
            explanation: { ...c.explanation, pattern: `${c.explanation.pattern}+deny_list` },
          }
        : c,
    );
  }
  for (const d of denied) if (!typed.has(`${d.start}:${d.end}`)) out.push(d);
  return out;
}

/** Drops candidates whose text is on the allow list (exact, case-insensitive, trimmed). */
export function applyAllowList(
  text: string,
  candidates: readonly Candidate[],
  allowList: readonly string[],
): Candidate[] {
  if (allowList.length === 0) return [...candidates];
  const allowed = new Set(allowList.map((v) => v.trim().toLowerCase()));
  return candidates.filter((c) => !allowed.has(text.slice(c.start, c.end).trim().toLowerCase()));
}
