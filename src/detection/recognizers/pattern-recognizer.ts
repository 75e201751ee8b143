import { DetectionContext, mayFindContext } from '../context';
import type { Candidate, Recognizer } from '../types';
import { forEachMatch } from './matches';

/** Outcome of a validator: keep with a new score (and context need), keep as is, or drop. */
export type Verdict = number | 'keep' | 'drop' | { score: number; requiresContext: boolean };

export interface Pattern {
  name: string;
  /** Must carry the `g` flag; add `d` when `group` is used. Reviewed for linear-time matching. */
  regex: RegExp;
  score: number;
  /** Capture group that is the reported span; the whole match when omitted. */
  group?: number;
  /** Overrides the recognizer's context words for this pattern (empty: no boosting). */
  context?: readonly string[];
  /** Overrides the recognizer's requiresContext for this pattern. */
  requiresContext?: boolean;
  /**
   * Cheap pre-filter: the pattern cannot match unless the text contains this substring (or
   * matches this non-global regex). Skips whole-text scans of lookbehind-heavy patterns.
   */
  requires?: string | RegExp;
  /**
   * Every match holds a run of at least this many ASCII digits (`\d`), so a text whose longest
   * digit run is shorter is skipped unscanned (counted once per call). Overrides the spec's.
   */
  minDigits?: number;
}

export interface PatternRecognizerSpec {
  name: string;
  type: string;
  patterns: readonly Pattern[];
  /** Lowercase words or phrases that raise the score when near the span. */
  context?: readonly string[];
  /** Drop a match unless a context word is near it (weak, number-only shapes). */
  requiresContext?: boolean;
  /** Shortens a match from the right (e.g. trailing punctuation); must return a prefix of value. */
  trimEnd?: (value: string) => string;
  /** Checksum or rule check on the matched value; `text`/`start` allow looking around. */
  validate?: (value: string, text: string, start: number, patternName: string) => Verdict;
  /** Default minDigits of the patterns (see Pattern.minDigits); 0 or omitted: no such check. */
  minDigits?: number;
  /** The validator may return `requiresContext: false`, so context-less texts are still scanned. */
  validatorLiftsContext?: boolean;
}

/** A recognizer made of scored regular expressions, a validator and context words (Presidio-style). */
export class PatternRecognizer implements Recognizer {
  readonly name: string;
  readonly types: readonly string[];
  /** Pre-filter regexes several patterns share: answered once per call (DetectionContext). */
  private readonly sharedPrefilters = new Set<RegExp>();

  constructor(private readonly spec: PatternRecognizerSpec) {
    this.name = spec.name;
    this.types = [spec.type];
    const seen = new Set<RegExp>();
    for (const p of spec.patterns) {
      if (!(p.requires instanceof RegExp)) continue;
      if (seen.has(p.requires)) this.sharedPrefilters.add(p.requires);
      seen.add(p.requires);
    }
    for (const p of spec.patterns) {
      if (!p.regex.global) throw new Error(`pattern ${p.name} of ${spec.name} needs the g flag`);
      // test() on a global regex keeps lastIndex between calls: a pre-filter must not be one.
      if (p.requires instanceof RegExp && (p.requires.global || p.requires.sticky))
        throw new Error(`pre-filter of ${p.name} of ${spec.name} must not be global or sticky`);
      if (p.group !== undefined && !p.regex.hasIndices)
        throw new Error(`pattern ${p.name} of ${spec.name} needs the d flag`);
    }
  }

  /** The digit run a pattern's matches need (its own minDigits, else the spec's; 0: none). */
  minDigitsOf(pattern: Pattern): number {
    return pattern.minDigits ?? this.spec.minDigits ?? 0;
  }

  /** The scored patterns, in the order they run. */
  get patterns(): readonly Pattern[] {
    return this.spec.patterns;
  }

  analyze(text: string, context?: DetectionContext): Candidate[] {
    const out: Candidate[] = [];
    let ctx = context;
    for (const pattern of this.spec.patterns) {
      const minDigits = this.minDigitsOf(pattern);
      if (minDigits > 0 && (ctx ??= new DetectionContext(text)).longestDigitRun < minDigits)
        continue;
      const required = pattern.requires;
      if (required !== undefined) {
        if (
          typeof required === 'string'
            ? !text.includes(required)
            : this.sharedPrefilters.has(required)
              ? !(ctx ??= new DetectionContext(text)).passes(required)
              : !required.test(text)
        )
          continue;
      }
      let contextChecked =
        !(pattern.requiresContext ?? this.spec.requiresContext) ||
        !!this.spec.validatorLiftsContext;
      // With the index built, a text without the context words is skipped unscanned; without
      // it, checked at the first match, so texts without candidates never build the index.
      if (!contextChecked && ctx?.indexed) {
        if (!mayFindContext(ctx, pattern.context ?? this.spec.context)) continue;
        contextChecked = true;
      }
      // forEachMatch keeps its scan position to itself, so nested calls never share lastIndex.
      forEachMatch(pattern.regex, text, (m) => {
        if (!contextChecked) {
          ctx ??= new DetectionContext(text);
          if (!mayFindContext(ctx, pattern.context ?? this.spec.context)) return false;
          contextChecked = true;
        }
        const span =
          pattern.group === undefined
            ? [m.index, m.index + m[0].length]
            : m.indices?.[pattern.group];
        if (!span) return;
        const [start, end] = span;
        if (end <= start) return;
        const candidate = this.judge(text, start, end, pattern);
        if (candidate) out.push(candidate);
      });
    }
    return out;
  }

  private judge(
    text: string,
    start: number,
    matchEnd: number,
    pattern: Pattern,
  ): Candidate | undefined {
    let end = matchEnd;
    let value = text.slice(start, end);
    if (this.spec.trimEnd) {
      value = this.spec.trimEnd(value);
      end = start + value.length;
      if (value === '') return undefined;
    }
    const verdict = this.spec.validate
      ? this.spec.validate(value, text, start, pattern.name)
      : 'keep';
    if (verdict === 'drop') return undefined;
    const score =
      typeof verdict === 'number'
        ? verdict
        : typeof verdict === 'object'
          ? verdict.score
          : pattern.score;
    const requiresContext =
      typeof verdict === 'object'
        ? verdict.requiresContext
        : (pattern.requiresContext ?? this.spec.requiresContext);
    return {
      type: this.spec.type,
      start,
      end,
      score,
      recognizer: this.name,
      explanation: {
        pattern: pattern.name,
        baseScore: pattern.score,
        validation: this.spec.validate ? 'passed' : 'not_applicable',
      },
      context: pattern.context ?? this.spec.context,
      requiresContext,
    };
  }
}
