import { Module } from '@nestjs/common';
import { LimiterFactory } from './limiter-factory';
import { RequestLimits } from './request-limits';

/** Request limits per API key and failed-authentication limits per client address. */
@Module({
  providers: [LimiterFactory, RequestLimits],
  exports: [LimiterFactory, RequestLimits],
})
export class RateLimitModule {}
