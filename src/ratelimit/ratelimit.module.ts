import { Module } from '@nestjs/common';
import { MetricsModule } from '../observability/metrics.module';
import { LimiterFactory } from './limiter-factory';
import { RequestLimits } from './request-limits';

/** Request limits per API key and failed-authentication limits per client address. */
@Module({
  imports: [MetricsModule],
  providers: [LimiterFactory, RequestLimits],
  exports: [LimiterFactory, RequestLimits],
})
export class RateLimitModule {}
