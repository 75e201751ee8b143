import type { PlaceholderMatch } from '../tokens/placeholder-grammar';

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Format-preserving tokens a gateway call sent (or its conversation sent before), found in an
 * answer as written: they have no bracket syntax, so only these exact strings are looked for, and
 * a number that merely looks like one is never looked up (nor charged). A token counts only as a
 * whole word: a word character may neither precede nor follow it.
 */
export class LiteralTokens {
  private readonly tokens: string[];
  private prefixes: Set<string> | undefined;
  readonly maxLength: number;

  constructor(tokens: Iterable<string>) {
    // Longest first, so a token that contains another wins where both match.
    this.tokens = [...new Set(tokens)].filter((t) => t.length > 0);
    this.tokens.sort((a, b) => b.length - a.length);
    this.maxLength = this.tokens[0]?.length ?? 0;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Whole-word occurrences, left to right, none overlapping. */
  find(text: string): PlaceholderMatch[] {
    if (this.tokens.length === 0) return [];
    const found: PlaceholderMatch[] = [];
    for (const token of this.tokens) {
      for (let at = text.indexOf(token); at !== -1; at = text.indexOf(token, at + 1)) {
        const end = at + token.length;
        if (at > 0 && WORD_CHAR.test(text[at - 1])) continue;
        if (end < text.length && WORD_CHAR.test(text[end])) continue;
        if (found.some((f) => at < f.end && f.start < end)) continue;
        found.push({ start: at, end, token, suffix: '', mangled: false });
      }
    }
    return found.sort((a, b) => a.start - b.start);
  }

  /**
   * Whether a stream's tail (starting where a word may start) could still grow into, or is, one
   * of the tokens: it is held back until the next character decides.
   */
  couldStart(tail: string): boolean {
    if (this.tokens.length === 0 || tail.length > this.maxLength) return false;
    this.prefixes ??= new Set(
      this.tokens.flatMap((t) => Array.from({ length: t.length }, (_, i) => t.slice(0, i + 1))),
    );
    return this.prefixes.has(tail);
  }
}

export const NO_LITERAL_TOKENS = new LiteralTokens([]);
