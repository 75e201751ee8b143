import { performance } from 'node:perf_hooks';

/** Where a token request spends its time (pii_vault_token_phase_seconds). */
export type TokenPhase =
  | 'policy'
  | 'detect'
  | 'blind_index'
  | 'seal'
  | 'store'
  | 'link'
  | 'parse'
  | 'lookup'
  | 'decrypt'
  | 'budget'
  | 'audit'
  | 'assemble';

/**
 * Splits one request's handler time into phases: each lap charges the time since the previous
 * lap (or the start) to the phase named. Wall time, so a phase that awaits the database includes
 * the round trip and whatever else the event loop ran meanwhile; at low concurrency that is the
 * phase's own cost. One clock per request, never shared.
 */
export class PhaseClock {
  private last = performance.now();
  readonly spent = new Map<TokenPhase, number>();

  lap(phase: TokenPhase): void {
    const now = performance.now();
    this.spent.set(phase, (this.spent.get(phase) ?? 0) + now - this.last);
    this.last = now;
  }
}
