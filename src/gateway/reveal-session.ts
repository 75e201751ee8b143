import type { DetokenizeRequest, DetokenizeService } from '../tokens/detokenize.service';
import type { Segment } from './stream-restorer';

/**
 * What one gateway call may show. Each token is decided once per call (one lookup, one audit row
 * per batch): a token the conversation sent is resolved for the caller's roles; a canonical
 * token it never sent is foreign (stays as written, audited `foreign_token`, never looked up);
 * a mangled form of a token it never sent is taken for prose and left alone.
 */
export class RevealSession {
  private readonly shown = new Map<string, string | undefined>();
  readonly outcomes = new Map<string, number>();

  constructor(
    private readonly detokenizer: DetokenizeService,
    private readonly request: DetokenizeRequest & { allowedTokens: ReadonlySet<string> },
  ) {}

  async decide(segments: readonly Segment[]): Promise<void> {
    const fresh = new Set<string>();
    for (const segment of segments) {
      if (segment.kind !== 'placeholder') continue;
      const { token, mangled } = segment.match;
      if (this.shown.has(token)) continue;
      if (mangled && !this.request.allowedTokens.has(token)) continue;
      fresh.add(token);
    }
    if (fresh.size === 0) return;
    for (const token of fresh) this.shown.set(token, undefined);
    for (const resolution of await this.detokenizer.resolveTokens(this.request, [...fresh])) {
      this.shown.set(resolution.token, resolution.value);
      this.outcomes.set(resolution.outcome, (this.outcomes.get(resolution.outcome) ?? 0) + 1);
    }
  }

  get keyId(): string {
    return this.request.caller.keyId;
  }

  readonly value = (token: string): string | undefined => this.shown.get(token);
}
