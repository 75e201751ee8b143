import type { DetectedEntity } from '../detection';

/** The body of POST /v1/detect, serialized: what a caller sees of each entity. */
export function detectResultJson(entities: readonly DetectedEntity[]): string {
  return JSON.stringify({
    entities: entities.map(({ type, start, end, score, text }) => ({
      type,
      start,
      end,
      score,
      text,
    })),
  });
}
