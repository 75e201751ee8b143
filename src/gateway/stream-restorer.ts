import {
  couldBePlaceholderStart,
  EntityTypeNames,
  findPlaceholders,
  MAX_PLACEHOLDER_LENGTH,
  PlaceholderMatch,
} from '../tokens/placeholder-grammar';
import { LiteralTokens, NO_LITERAL_TOKENS } from './literal-tokens';

/** A piece of restored output: plain text, or a placeholder (in the form the model wrote it). */
export type Segment =
  { kind: 'text'; text: string } | { kind: 'placeholder'; text: string; match: PlaceholderMatch };

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Cuts a streamed text into segments as it arrives. Text that cannot be part of a placeholder is
 * released at once; a tail that could still grow into one (`[PERS`, `PHONE_NUMBER_YJ`) is held
 * until the next chunk decides it, or the stream ends. The segments of any split of a text equal
 * those of the whole text (the unit test splits at every position).
 */
export class StreamRestorer {
  private buffer = '';
  /** The last character released, which decides whether a word may begin at the buffer's start. */
  private before = '';

  constructor(
    private readonly types: EntityTypeNames,
    private readonly literals: LiteralTokens = NO_LITERAL_TOKENS,
  ) {}

  push(chunk: string): Segment[] {
    this.buffer += chunk;
    return this.release(this.holdFrom());
  }

  /** The stream ended: whatever is held is what it is. */
  end(): Segment[] {
    return this.release(this.buffer.length);
  }

  /** Characters held back right now. */
  get pending(): number {
    return this.buffer.length;
  }

  private holdFrom(): number {
    const longest = Math.max(MAX_PLACEHOLDER_LENGTH, this.literals.maxLength);
    const from = Math.max(0, this.buffer.length - longest);
    for (let i = from; i < this.buffer.length; i++) {
      const previous = i > 0 ? this.buffer[i - 1] : this.before;
      const atWordStart = previous === '' || !WORD_CHAR.test(previous);
      const tail = this.buffer.slice(i);
      if (couldBePlaceholderStart(tail, atWordStart, this.types.isKnownPrefix)) return i;
      if (atWordStart && this.literals.couldStart(tail)) return i;
    }
    return this.buffer.length;
  }

  private release(upTo: number): Segment[] {
    if (upTo === 0) return [];
    const offset = this.before.length;
    const matches = findMatches(this.before + this.buffer, this.types, this.literals)
      .map((m) => ({ ...m, start: m.start - offset, end: m.end - offset }))
      .filter((m) => m.start >= 0 && m.end <= upTo);
    const released = this.buffer.slice(0, upTo);
    this.before = released[released.length - 1];
    this.buffer = this.buffer.slice(upTo);
    return segmentsOf(released, matches);
  }
}

/** The whole text at once: the same segments a stream of it gives. */
export function segmentText(
  text: string,
  types: EntityTypeNames,
  literals: LiteralTokens = NO_LITERAL_TOKENS,
): Segment[] {
  return segmentsOf(text, findMatches(text, types, literals));
}

/** Placeholders, and format-preserving tokens the call knows (where no placeholder stands). */
function findMatches(
  text: string,
  types: EntityTypeNames,
  literals: LiteralTokens,
): PlaceholderMatch[] {
  const placeholders = findPlaceholders(text, types.isKnown);
  if (literals.size === 0) return placeholders;
  const free = literals
    .find(text)
    .filter((l) => !placeholders.some((p) => l.start < p.end && p.start < l.end));
  return [...placeholders, ...free].sort((a, b) => a.start - b.start);
}

function segmentsOf(text: string, matches: readonly PlaceholderMatch[]): Segment[] {
  const segments: Segment[] = [];
  let cursor = 0;
  for (const match of matches) {
    if (match.start > cursor)
      segments.push({ kind: 'text', text: text.slice(cursor, match.start) });
    segments.push({ kind: 'placeholder', text: text.slice(match.start, match.end), match });
    cursor = match.end;
  }
  if (cursor < text.length) segments.push({ kind: 'text', text: text.slice(cursor) });
  return segments;
}

/**
 * Writes segments out: a placeholder whose token has a value shown becomes that value (escaped
 * for where it stands, e.g. inside a JSON string), anything else stays as written.
 */
export function renderSegments(
  segments: readonly Segment[],
  shown: (token: string) => string | undefined,
  escape: (value: string) => string = (v) => v,
): string {
  let out = '';
  for (const segment of segments) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const value = shown(segment.match.token);
    out += value === undefined ? segment.text : escape(value) + segment.match.suffix;
  }
  return out;
}

/** The tokens segments name, each once. */
export function tokensOf(segments: readonly Segment[]): string[] {
  const tokens = new Set<string>();
  for (const s of segments) if (s.kind === 'placeholder') tokens.add(s.match.token);
  return [...tokens];
}
