import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth-context/principal';
import { AppConfig } from '../config/app-config';
import { ErrorCode, TooManyRequestsError } from '../common/errors';
import { MetricsService } from '../observability/metrics.service';
import { LimiterFactory, OverLimit } from './limiter-factory';

const MINUTE = 60;

/** Which allowance paid for an argon2 run: the key's own, or its address's overflow attempt. */
export type KeyAttempt = 'key' | 'overflow';

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
   * Takes one attempt from the client address's failure allowance before any database lookup or
   * argon2; throws 429 once it is spent. The attempt is kept when authentication fails and given
   * back (returnAddressAttempt) when it succeeds, so only failures count, and a burst from one
   * address cannot race the count: at most the allowance is in flight.
   */
  async takeAddressAttempt(clientIp: string): Promise<void> {
    const over = await this.limiters.consume('auth-fail', this.authFailureLimit, MINUTE, clientIp);
    if (over) this.reject('auth_failures', over, 'Too many failed authentications');
  }

  /** Gives back the address's attempt of a key that verified. */
  async returnAddressAttempt(clientIp: string): Promise<void> {
    await this.limiters.refund('auth-fail', this.authFailureLimit, MINUTE, clientIp);
  }

  /**
   * Takes one attempt from the key's own allowance (by lookup id, which is not secret) before its
   * hash is checked, so a key's secret costs at most that many argon2 runs a minute. Once anyone
   * has spent it, a client address still gets one attempt a minute of its own (`overflow`): a
   * flood on a victim's lookup id from other addresses cannot lock the victim out, while each
   * flooding address adds at most one argon2 run a minute. Throws 429 when both are spent.
   */
  async takeKeyAttempt(lookupId: string, clientIp: string): Promise<KeyAttempt> {
    const over = await this.limiters.consume('auth-key', this.authFailureLimit, MINUTE, lookupId);
    if (!over) return 'key';
    const spent = await this.limiters.consume('auth-key-overflow', 1, MINUTE, clientIp);
    if (!spent) return 'overflow';
    this.reject('auth_failures', over, 'Too many failed authentications for this key');
  }

  /** Gives back the attempt of a key that verified. */
  async returnKeyAttempt(lookupId: string, clientIp: string, attempt: KeyAttempt): Promise<void> {
    if (attempt === 'key') {
      await this.limiters.refund('auth-key', this.authFailureLimit, MINUTE, lookupId);
    } else {
      await this.limiters.refund('auth-key-overflow', 1, MINUTE, clientIp);
    }
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
