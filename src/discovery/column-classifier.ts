import { hintedTypes, softHintedTypes, unlikelyTypes } from './column-hints';
import type { ColumnCounts, ColumnTreatment } from './column-profile';

/** When a column counts as holding a type. Configurable per scan. */
export interface ClassificationThresholds {
  /** Share of non-null values that must match when the column name says nothing. */
  minRatio: number;
  /** Share that must match when the column name names the type (`email`, `ssn`...). */
  minRatioWithHint: number;
  /** Confidence a winning type needs to become the column's classification. */
  minConfidence: number;
}

export const DEFAULT_THRESHOLDS: ClassificationThresholds = {
  minRatio: 0.6,
  minRatioWithHint: 0.2,
  minConfidence: 0.5,
};

/** Leaves this long on average with spaces in them read as prose (notes, messages, logs). */
const FREE_TEXT_MIN_LENGTH = 40;
const FREE_TEXT_MIN_SPACES = 4;

/**
 * Types that are not PII merely because a column is full of them: every order has a timestamp.
 * They classify a column only when its name says whose they are (`dob`, `admitted_at`).
 */
const NEEDS_HINT = new Set(['DATE_TIME', 'AGE', 'ZIP_CODE']);

/** How far under minRatio a share may be and still count when the column name suggests the type. */
const BORDERLINE_MARGIN = 0.2;
/** Share a type the column name rules out (PERSON in `product`) needs from values alone. */
const UNLIKELY_MIN_RATIO = 0.95;

export interface ColumnIdentity {
  table: string;
  column: string;
  treatment: ColumnTreatment;
}

export interface EntityFinding {
  type: string;
  /** Share of non-null values in which the type was found. */
  ratio: number;
  /** Values in which the type was found. */
  count: number;
  /** Matches in all (a note can hold several names). */
  occurrences: number;
}

export interface ColumnClassification {
  classification: string | null;
  confidence: number;
  freeText: boolean;
  entities: EntityFinding[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Turns a column's counts into findings. Value evidence decides; the column name raises it
 * (a hint lowers the share needed and lifts confidence), and alone decides only for dates
 * of a person in date-typed columns.
 */
export function classifyColumn(
  column: ColumnIdentity,
  counts: ColumnCounts,
  thresholds: ClassificationThresholds = DEFAULT_THRESHOLDS,
): ColumnClassification {
  const hints = hintedTypes(column.column, column.table);
  const softHints = softHintedTypes(column.column);
  const unlikely = unlikelyTypes(column.column);
  const freeText =
    counts.leaves > 0 &&
    counts.totalLength / counts.leaves >= FREE_TEXT_MIN_LENGTH &&
    counts.spaces / counts.leaves >= FREE_TEXT_MIN_SPACES;
  const entities: EntityFinding[] = Object.entries(counts.types)
    .map(([type, c]) => ({
      type,
      ratio: counts.nonNull ? round(c.values / counts.nonNull) : 0,
      count: c.values,
      occurrences: c.occurrences,
    }))
    .sort((a, b) => b.ratio - a.ratio || a.type.localeCompare(b.type));

  if (column.treatment === 'personal_date') {
    const personal = hints.has('DATE_TIME') && counts.nonNull > 0;
    if (personal)
      entities.unshift({
        type: 'DATE_TIME',
        ratio: 1,
        count: counts.nonNull,
        occurrences: counts.nonNull,
      });
    return {
      classification: personal ? 'DATE_TIME' : null,
      confidence: personal ? 0.95 : 0,
      freeText: false,
      entities,
    };
  }
  if (column.treatment === 'ip' || column.treatment === 'mac') {
    const type = column.treatment === 'ip' ? 'IP_ADDRESS' : 'MAC_ADDRESS';
    const any = counts.nonNull > 0;
    return {
      classification: any ? type : null,
      confidence: any ? 0.95 : 0,
      freeText: false,
      entities,
    };
  }

  // A type the column's name names wins once it has enough evidence: `company_name` holds
  // companies even when most of them are made of surnames.
  let best: { type: string; confidence: number; hinted: boolean } | null = null;
  for (const e of entities) {
    const hinted = hints.has(e.type);
    if (NEEDS_HINT.has(e.type) && !hinted) continue;
    // In prose a type is worth reporting well before most rows hold it: one note in five
    // naming a patient is a column of patient names.
    const strong = hinted || freeText;
    // Borderline shares: the column name decides (`owner` with half the values names is PERSON;
    // `product` with two thirds "Aunt Mary's Jam"-like values is not).
    const minRatio = unlikely.has(e.type)
      ? Math.max(thresholds.minRatio, UNLIKELY_MIN_RATIO)
      : softHints.has(e.type)
        ? thresholds.minRatio - BORDERLINE_MARGIN
        : thresholds.minRatio;
    const confidence = strong
      ? e.ratio >= thresholds.minRatioWithHint
        ? 0.5 + 0.5 * e.ratio
        : 0
      : e.ratio >= minRatio
        ? Math.max(0.9 * e.ratio, softHints.has(e.type) ? thresholds.minConfidence : 0)
        : 0;
    if (confidence < thresholds.minConfidence) continue;
    const better =
      !best || (hinted && !best.hinted) || (hinted === best.hinted && confidence > best.confidence);
    if (better) best = { type: e.type, confidence, hinted };
  }
  if (!best) return { classification: null, confidence: 0, freeText, entities };
  return { classification: best.type, confidence: round(best.confidence), freeText, entities };
}
