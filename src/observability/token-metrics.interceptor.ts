import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

interface TokenizedText {
  entities?: { type: string }[];
}
interface TokenizeResponse extends TokenizedText {
  results?: TokenizedText[];
}
interface DetokenizeResponse {
  tokens?: { type: string | null; outcome: string }[];
}

/**
 * Counts tokenized values and detokenized tokens by entity type and outcome, read from the
 * responses of the two token routes (their shapes are part of the API contract). Other routes
 * pass straight through.
 */
@Injectable()
export class TokenMetricsInterceptor implements NestInterceptor {
  private readonly enabled: boolean;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.enabled = !config.PII_VAULT_BENCH_OPS_OFF;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.enabled) return next.handle();
    const route = context.switchToHttp().getRequest<FastifyRequest>().routeOptions.url;
    if (route === '/v1/tokenize') return next.handle().pipe(tap((r) => this.tokenized(r)));
    if (route === '/v1/detokenize') return next.handle().pipe(tap((r) => this.detokenized(r)));
    return next.handle();
  }

  private tokenized(response: unknown): void {
    const body = response as TokenizeResponse;
    for (const text of body.results ?? [body]) {
      for (const entity of text.entities ?? []) {
        this.metrics.countToken('tokenize', entity.type, 'tokenized');
      }
    }
  }

  private detokenized(response: unknown): void {
    for (const token of (response as DetokenizeResponse).tokens ?? []) {
      // An unknown token's type is whatever the caller wrote into it: not a label value.
      const type = token.outcome === 'unknown' ? null : token.type;
      this.metrics.countToken('detokenize', type, token.outcome);
    }
  }
}
