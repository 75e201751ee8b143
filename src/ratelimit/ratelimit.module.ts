import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MetricsModule } from '../observability/metrics.module';
import { LimiterFactory } from './limiter-factory';
import { RequestLimits } from './request-limits';
import { RevealBudget } from './reveal-budget';

/** Request limits per key, failed-authentication limits per address, reveal budgets per key. */
@Module({
  imports: [MetricsModule, AuditModule],
  providers: [LimiterFactory, RequestLimits, RevealBudget],
  exports: [LimiterFactory, RequestLimits, RevealBudget],
})
export class RateLimitModule {}
