import RE2 from 're2';
import type { Candidate, CustomRecognizerConfig } from './types';

const MAX_PATTERN_LENGTH = 2000;
const MAX_CACHED = 256;
const TYPE_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * Checks a user-supplied pattern: it must compile under RE2 (linear time, no backreferences or
 * lookaround) and must not match the empty string. Returns an error message, or null when valid.
 */
export function validateCustomPattern(pattern: string): string | null {
  if (typeof pattern !== 'string' || pattern.length === 0)
    return 'pattern must be a non-empty string';
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `pattern must be at most ${MAX_PATTERN_LENGTH} characters`;
  let re: RE2;
  try {
    re = new RE2(pattern, 'u');
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'invalid syntax';
    return `pattern is not supported by the linear-time engine (RE2): ${reason}`;
  }
  if (re.test('')) return 'pattern must not match the empty string';
  return null;
}

/** Checks a whole custom recognizer config; returns an error message, or null when valid. */
export function validateCustomRecognizer(config: CustomRecognizerConfig): string | null {
  return validateFields(config) ?? validateCustomPattern(config.pattern);
}

/** Everything but the pattern: cheap enough to check on every call. */
function validateFields(config: CustomRecognizerConfig): string | null {
  if (!TYPE_NAME.test(config.type)) return 'type must be an UPPER_SNAKE name';
  if (!(config.score >= 0 && config.score <= 1)) return 'score must be between 0 and 1';
  if (config.context && !config.context.every((w) => typeof w === 'string' && w.trim() !== '')) {
    return 'context words must be non-empty strings';
  }
  return null;
}

/** Compiled RE2 programs by pattern; compilation is the costly part and patterns repeat per tenant. */
const compiled = new Map<string, RE2>();

function compile(pattern: string): RE2 {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RE2(pattern, 'gu');
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(pattern, re);
  }
  return re;
}

/** Runs custom recognizers on RE2. Invalid configs are skipped (the policy module rejects them on save). */
export function runCustomRecognizers(
  text: string,
  configs: readonly CustomRecognizerConfig[],
): Candidate[] {
  const out: Candidate[] = [];
  for (const config of configs) {
    if (validateFields(config) !== null) continue;
    // A cached program passed validateCustomPattern when it was compiled: not compiled twice.
    const re =
      compiled.get(config.pattern) ??
      (validateCustomPattern(config.pattern) === null ? compile(config.pattern) : undefined);
    if (!re) continue;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out.push({
        type: config.type,
        start: m.index,
        end: m.index + m[0].length,
        score: config.score,
        recognizer: `custom:${config.type}`,
        explanation: { pattern: 'custom', baseScore: config.score, validation: 'not_applicable' },
        context: config.context?.map((w) => w.toLowerCase()),
      });
    }
  }
  return out;
}
