import type { DetokenizeRequest, DetokenizeService } from '../tokens/detokenize.service';
import type { StoredVaultEntry } from '../tokens/vault.repository';
import type { Segment } from './stream-restorer';

/**
 * Which tokens a gateway call may show: those it sent itself, and (with a conversation) those
 * earlier requests of the conversation sent. The conversation's set is asked after only for the
 * tokens the answer holds, never read whole.
 */
export interface SentTokens {
  /** The tokens this call sent (known without a lookup). */
  readonly own: readonly string[];
  /** Which of these the conversation sent earlier (none without a conversation). */
  sentEarlier(tokens: readonly string[]): Promise<ReadonlySet<string>>;
  /** The vault rows of `own`, read while the upstream answers (empty if that read failed). */
  prefetched: Promise<ReadonlyMap<string, StoredVaultEntry>>;
}

/**
 * What one gateway call may show. Each token is decided once per call (one lookup, one audit row
 * per batch): a token the conversation sent is resolved for the caller's roles; a canonical
 * token it never sent is foreign (stays as written, audited `foreign_token`, never looked up);
 * a mangled form of a token it never sent is taken for prose and left alone.
 */
export class RevealSession {
  private readonly shown = new Map<string, string | undefined>();
  private readonly allowed: Set<string>;
  /** Tokens already asked after in the conversation's set (found or not). */
  private readonly checked: Set<string>;
  readonly outcomes = new Map<string, number>();

  constructor(
    private readonly detokenizer: DetokenizeService,
    private readonly request: Omit<DetokenizeRequest, 'allowedTokens'>,
    private readonly sent: SentTokens,
  ) {
    this.allowed = new Set(sent.own);
    this.checked = new Set(sent.own);
  }

  async decide(segments: readonly Segment[]): Promise<void> {
    const candidates = segments
      .flatMap((s) => (s.kind === 'placeholder' ? [s.match] : []))
      .filter((m) => !this.shown.has(m.token));
    if (candidates.length === 0) return;
    const unchecked = [...new Set(candidates.map((m) => m.token))].filter(
      (t) => !this.checked.has(t),
    );
    if (unchecked.length > 0) {
      for (const token of await this.sent.sentEarlier(unchecked)) this.allowed.add(token);
      for (const token of unchecked) this.checked.add(token);
    }
    const fresh = new Set<string>();
    for (const { token, mangled } of candidates) {
      if (mangled && !this.allowed.has(token)) continue;
      fresh.add(token);
    }
    if (fresh.size === 0) return;
    for (const token of fresh) this.shown.set(token, undefined);
    const request = { ...this.request, allowedTokens: this.allowed };
    const prefetched = await this.sent.prefetched;
    for (const resolution of await this.detokenizer.resolveTokens(
      request,
      [...fresh],
      prefetched,
    )) {
      this.shown.set(resolution.token, resolution.value);
      this.outcomes.set(resolution.outcome, (this.outcomes.get(resolution.outcome) ?? 0) + 1);
    }
  }

  get keyId(): string {
    return this.request.caller.keyId;
  }

  readonly value = (token: string): string | undefined => this.shown.get(token);
}
