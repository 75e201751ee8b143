import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { TokenMetrics } from './token-metrics';

/** The one MetricsService of the process, for any module that counts something. */
@Module({
  providers: [MetricsService, TokenMetrics],
  exports: [MetricsService, TokenMetrics],
})
export class MetricsModule {}
