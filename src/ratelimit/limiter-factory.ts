import { Inject, Injectable } from '@nestjs/common';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** The table created by migration ApiKeyLimits, shared by every replica. */
const TABLE = 'rate_limits';

/** Over the limit: how long until the next point frees up. */
export class OverLimit {
  constructor(readonly retryAfterSeconds: number) {}
}

/**
 * Fixed-window counters from rate-limiter-flexible, one limiter per (purpose, limit, window).
 * In memory by default; with PII_VAULT_RATE_LIMIT_STORE=postgres in the service's own database,
 * so replicas share counts, with an in-memory fallback while the database is unreachable.
 */
@Injectable()
export class LimiterFactory {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly db: DataSource,
  ) {}

  /**
   * Takes `points` from the subject's allowance; resolves with OverLimit when it is spent.
   * Purpose and limit are part of the counter's key, so changing a limit starts a new count.
   */
  async consume(
    purpose: string,
    limit: number,
    windowSeconds: number,
    subject: string,
    points = 1,
  ): Promise<OverLimit | undefined> {
    try {
      await this.limiter(purpose, limit, windowSeconds).consume(subject, points);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return new OverLimit(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
  }

  /** Gives back points the subject consumed (a counted attempt that turned out legitimate). */
  async refund(
    purpose: string,
    limit: number,
    windowSeconds: number,
    subject: string,
    points = 1,
  ): Promise<void> {
    await this.limiter(purpose, limit, windowSeconds).reward(subject, points);
  }

  private limiter(purpose: string, limit: number, windowSeconds: number): RateLimiterAbstract {
    const keyPrefix = `${purpose}:${limit}/${windowSeconds}`;
    let limiter = this.limiters.get(keyPrefix);
    if (limiter) return limiter;
    const options = { keyPrefix, points: limit, duration: windowSeconds };
    limiter =
      this.config.PII_VAULT_RATE_LIMIT_STORE === 'postgres'
        ? new RateLimiterPostgres({
            ...options,
            storeClient: (this.db.driver as unknown as { master: unknown }).master,
            storeType: 'pool',
            tableName: TABLE,
            tableCreated: true,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
    this.limiters.set(keyPrefix, limiter);
    return limiter;
  }
}
