import { Injectable } from '@nestjs/common';
import { MetricsService, type TokenOperation } from './metrics.service';
import type { PhaseClock } from './phase-clock';

/**
 * Counts tokenized values and detokenized tokens by entity type and outcome, called by the token
 * routes with what they answer. (It was a global interceptor: that put an rxjs pipeline around
 * every request of every route.)
 */
@Injectable()
export class TokenMetrics {
  constructor(private readonly metrics: MetricsService) {}

  tokenized(texts: readonly { entities: readonly { type: string }[] }[]): void {
    for (const text of texts) {
      for (const entity of text.entities)
        this.metrics.countToken('tokenize', entity.type, 'tokenized');
    }
  }

  detokenized(tokens: readonly { type: string | null; outcome: string }[]): void {
    for (const token of tokens) {
      // An unknown token's type is whatever the caller wrote into it: not a label value.
      const type = token.outcome === 'unknown' ? null : token.type;
      this.metrics.countToken('detokenize', type, token.outcome);
    }
  }

  /** A request's phase split (PhaseClock), into pii_vault_token_phase_seconds. */
  phases(operation: TokenOperation, clock: PhaseClock): void {
    this.metrics.observePhases(operation, clock);
  }
}
