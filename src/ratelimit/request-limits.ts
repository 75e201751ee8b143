import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth-context/principal';
import { AppConfig } from '../config/app-config';
import { ErrorCode, TooManyRequestsError } from '../common/errors';
import { MetricsService } from '../observability/metrics.service';
import { LimiterFactory, OverLimit } from './limiter-factory';

const MINUTE = 60;

/**
 * Requests per API key per minute (the key's own limit, else PII_VAULT_RATE_LIMIT_PER_MINUTE),
 * and failed authentications per client IP per minute, so keys cannot be guessed at speed.
 */
@Injectable()
export class RequestLimits {
  constructor(
    private readonly limiters: LimiterFactory,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Counts one request of the key; throws 429 rate_limited past its limit. */
  async admit(caller: Principal): Promise<void> {
    const limit = caller.rateLimitPerMinute ?? this.config.PII_VAULT_RATE_LIMIT_PER_MINUTE;
    if (limit === 0) return;
    const over = await this.limiters.consume('key', limit, MINUTE, caller.keyId);
    if (over) this.reject('api_key', over, 'Too many requests for this API key');
  }

  /**
   * Takes one attempt from the key's own failure allowance before its hash is checked; throws 429
   * once it is spent, so guessing one key's secret costs at most that many argon2 runs a minute.
   */
  async takeKeyAttempt(lookupId: string): Promise<void> {
    const over = await this.limiters.consume('auth-key', this.authFailureLimit, MINUTE, lookupId);
    if (over) this.reject('auth_failures', over, 'Too many failed authentications for this key');
  }

  /** Gives back the attempt of a key that verified. */
  async returnKeyAttempt(lookupId: string): Promise<void> {
    await this.limiters.refund('auth-key', this.authFailureLimit, MINUTE, lookupId);
  }

  /** Counts a failed authentication; throws 429 once the address is past its allowance. */
  async noteAuthFailure(clientIp: string): Promise<void> {
    const over = await this.limiters.consume('auth-fail', this.authFailureLimit, MINUTE, clientIp);
    if (over) this.reject('auth_failures', over, 'Too many failed authentications');
  }

  private get authFailureLimit(): number {
    return this.config.PII_VAULT_AUTH_FAILURES_PER_MINUTE;
  }

  private reject(reason: 'api_key' | 'auth_failures', over: OverLimit, message: string): never {
    this.metrics.countRejection(reason);
    throw new TooManyRequestsError(
      ErrorCode.RateLimited,
      `${message}; retry after ${over.retryAfterSeconds} s`,
      over.retryAfterSeconds,
    );
  }
}
