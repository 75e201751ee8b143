import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** The one MetricsService of the process, for any module that counts something. */
@Module({
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
