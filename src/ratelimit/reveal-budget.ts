import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { ErrorCode, TooManyRequestsError } from '../common/errors';
import { MetricsService } from '../observability/metrics.service';
import { PolicyDocument, revealBudgetFor } from '../policy/policy-document';
import { LimiterFactory } from './limiter-factory';

const HOUR = 3600;
const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Reveal guard: each key may reveal (or see masked) so many values per hour: its own
 * revealBudgetPerHour, else the largest the request's policy gives one of its roles
 * (limits.revealBudgetPerHour), else PII_VAULT_REVEAL_BUDGET_PER_HOUR. A request that would pass the budget
 * reveals nothing; it is audited, counted, and reported to PII_VAULT_ALERT_WEBHOOK_URL with ids
 * and counts only.
 */
@Injectable()
export class RevealBudget {
  private readonly logger = new Logger('RevealBudget');

  constructor(
    private readonly limiters: LimiterFactory,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Spends one unit per revealed, masked or unknown token (a guess costs what a reveal costs, so
   * token ids cannot be searched for in bulk); throws 429 when the budget would run out. A key
   * asking after many unknown tokens is also reported, like a spent budget.
   */
  async spend(
    caller: Principal,
    policy: PolicyDocument,
    outcomes: readonly { outcome: string }[],
  ): Promise<void> {
    const unknown = outcomes.filter((o) => o.outcome === 'unknown').length;
    const shown =
      unknown + outcomes.filter((o) => o.outcome === 'revealed' || o.outcome === 'masked').length;
    if (shown === 0) return;
    if (unknown > 0) await this.watchUnknown(caller, unknown);
    const budget =
      caller.revealBudgetPerHour ??
      revealBudgetFor(policy, caller.roles) ??
      this.config.PII_VAULT_REVEAL_BUDGET_PER_HOUR;
    const over = await this.limiters.consume('reveal', budget, HOUR, caller.keyId, shown);
    if (!over) return;
    this.metrics.countRejection('reveal_budget');
    const facts = {
      keyId: caller.keyId,
      tenantId: caller.tenantId,
      budgetPerHour: budget,
      requested: shown,
    };
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'reveal_budget_exceeded',
      apiKeyId: caller.keyId,
      roles: caller.roles,
      details: { budgetPerHour: budget, requested: shown },
    });
    this.alert('reveal_budget_exceeded', facts);
    throw new TooManyRequestsError(
      ErrorCode.RevealBudgetExceeded,
      `This key's reveal budget of ${budget} values per hour is spent; nothing was revealed`,
      over.retryAfterSeconds,
    );
  }

  /** Reports (metric, audit row, webhook) a key's first crossing of the unknown-token threshold. */
  private async watchUnknown(caller: Principal, unknown: number): Promise<void> {
    const threshold = this.config.PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR;
    const over = await this.limiters.consume('unknown', threshold, HOUR, caller.keyId, unknown);
    if (!over || !(await this.firstCrossing(caller.keyId, threshold))) return;
    this.metrics.countUnknownTokenAlert();
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'unknown_tokens_exceeded',
      apiKeyId: caller.keyId,
      roles: caller.roles,
      details: { thresholdPerHour: threshold },
    });
    this.alert('unknown_tokens_exceeded', {
      keyId: caller.keyId,
      tenantId: caller.tenantId,
      thresholdPerHour: threshold,
    });
  }

  /** True once per key and hour: the alert is not repeated on every later request. */
  private async firstCrossing(keyId: string, threshold: number): Promise<boolean> {
    return !(await this.limiters.consume('unknown-alerted', 1, HOUR, `${keyId}/${threshold}`));
  }

  /** Fire and forget: a slow or failing receiver must not hold up or fail the request. */
  private alert(event: string, facts: Record<string, string | number>): void {
    const url = this.config.PII_VAULT_ALERT_WEBHOOK_URL;
    if (!url) return;
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event,
        at: new Date().toISOString(),
        ...facts,
      }),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    }).then(
      (res) => {
        if (!res.ok) this.logger.warn(`Alert webhook answered ${res.status}`);
      },
      (error: unknown) => this.logger.warn(`Alert webhook failed: ${(error as Error).name}`),
    );
  }
}
