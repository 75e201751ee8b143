import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsModule } from './metrics.module';

/**
 * GET /metrics. What is measured is measured where it happens: DetectionRunner times detection
 * and AuditModule hands the trail a failure hook, both with MetricsModule's one MetricsService.
 */
@Module({
  imports: [MetricsModule],
  controllers: [MetricsController],
  providers: [MetricsTokenGuard],
})
export class ObservabilityModule {}
