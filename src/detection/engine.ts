import { applyContext, DetectionContext } from './context';
import { runCustomRecognizers } from './custom';
import { filterNameCandidates } from './name-filters';
import { applyAllowList, findDenyListTerms, mergeDenyList } from './lists';
import { ModelNlpEngine } from './nlp/nlp-engine';
import { resolveOverlaps } from './overlap';
import { PATTERN_RECOGNIZERS } from './recognizers';
import type { Candidate, DetectedEntity, DetectOptions, Recognizer } from './types';

/** Spans below this score are not reported unless the caller asks for a lower minScore. */
export const DEFAULT_MIN_SCORE = 0.4;

/**
 * Runs every recognizer, applies context, allow/deny lists and overlap resolution. Construction
 * loads gazetteers once; `detect` keeps no state between calls, so one engine serves everyone.
 */
export class DetectionEngine {
  private readonly recognizers: readonly Recognizer[];

  constructor(recognizers?: readonly Recognizer[]) {
    this.recognizers = recognizers ?? [...PATTERN_RECOGNIZERS, new ModelNlpEngine()];
  }

  detect(text: string, options: DetectOptions = {}): DetectedEntity[] {
    if (text.length === 0) return [];
    return this.run(text, options);
  }

  private run(text: string, options: DetectOptions): DetectedEntity[] {
    const wanted =
      options.entities && options.entities.length > 0 ? new Set(options.entities) : undefined;
    const minScore = options.minScore ?? DEFAULT_MIN_SCORE;

    // Per call: the text's word index, shared by the recognizers and applyContext.
    const context = new DetectionContext(text);
    let candidates: Candidate[] = [];
    let indexPrimed = false;
    for (const recognizer of this.recognizers) {
      if (wanted && !recognizer.types.some((t) => wanted.has(t))) continue;
      // A loop, not push(...spread): hostile inputs can yield more candidates than the stack holds.
      for (const c of recognizer.analyze(text, context)) {
        candidates.push(c);
        // applyContext will index the text for this candidate; indexing now lets the
        // recognizers still to run skip patterns whose context words the text lacks.
        if (!indexPrimed && c.context && c.context.length > 0) {
          context.prime();
          indexPrimed = true;
        }
      }
    }
    const custom = options.customRecognizers?.length
      ? runCustomRecognizers(text, options.customRecognizers)
      : [];
    for (const c of custom) candidates.push(c);
    if (wanted) candidates = candidates.filter((c) => wanted.has(c.type));

    // Grouping by span lets context reuse one window for all candidates on the same digits.
    candidates.sort((a, b) => a.start - b.start || a.end - b.end);
    candidates = filterNameCandidates(text, candidates);
    candidates = applyContext(context, candidates);
    candidates = mergeDenyList(candidates, findDenyListTerms(text, options.denyList ?? []));
    candidates = applyAllowList(text, candidates, options.allowList ?? []);
    candidates = candidates.filter((c) => c.score >= minScore || c.type === 'DENY_LIST');

    return resolveOverlaps(candidates).map((c) => ({
      type: c.type,
      start: c.start,
      end: c.end,
      score: Math.round(c.score * 100) / 100,
      text: text.slice(c.start, c.end),
      recognizer: c.recognizer,
      explanation: c.explanation,
    }));
  }
}
