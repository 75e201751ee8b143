import type { DetectionContext } from './context';

/** Why a span was reported: which pattern, validator and context words decided. */
export interface Explanation {
  /** Name of the pattern (or NLP rule) that produced the span. */
  pattern: string;
  /** Score the pattern gave before validation and context. */
  baseScore: number;
  /** Validator outcome when the recognizer has one. */
  validation?: 'passed' | 'not_applicable';
  /** Context words found near the span, if any raised the score. */
  contextWords?: string[];
}

export interface DetectedEntity {
  /** Canonical entity type, e.g. EMAIL_ADDRESS or a custom UPPER_SNAKE type. */
  type: string;
  /** UTF-16 code-unit offset of the first character. */
  start: number;
  /** UTF-16 code-unit offset one past the last character (slice semantics). */
  end: number;
  /** Confidence in [0, 1]. */
  score: number;
  /** The matched text (text.slice(start, end)). */
  text: string;
  /** Which recognizer decided, for explanations. */
  recognizer: string;
  /** How the recognizer decided. */
  explanation?: Explanation;
}

export interface CustomRecognizerConfig {
  type: string;
  pattern: string;
  score: number;
  context?: readonly string[];
}

export interface DetectOptions {
  /** Restrict to these entity types; all types when omitted. */
  entities?: readonly string[];
  /** Drop spans scoring below this; DEFAULT_MIN_SCORE when omitted. */
  minScore?: number;
  /** Values never reported (exact, case-insensitive). */
  allowList?: readonly string[];
  /** Values always reported (as type DENY_LIST unless matched otherwise). */
  denyList?: readonly string[];
  customRecognizers?: readonly CustomRecognizerConfig[];
}

/** A candidate span before context, filtering and overlap resolution. */
export interface Candidate {
  type: string;
  start: number;
  end: number;
  score: number;
  recognizer: string;
  explanation: Explanation;
  /** Context words that raise this candidate's score (lowercase). */
  context?: readonly string[];
  /** Dropped unless one of `context` appears near the span. */
  requiresContext?: boolean;
}

/** Something that finds candidate spans in a text. Stateless between calls. */
export interface Recognizer {
  readonly name: string;
  /** Entity types this recognizer can emit, used to skip it when filtered out. */
  readonly types: readonly string[];
  /** `context`, when given, belongs to this call and this text; recognizers may use it. */
  analyze(text: string, context?: DetectionContext): Candidate[];
}
