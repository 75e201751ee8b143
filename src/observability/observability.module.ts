import { Module, OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuditModule } from '../audit/audit.module';
import { DetectionEngine } from '../detection';
import { DetectionHttpModule } from '../detection-http/detection-http.module';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { MetricsService } from './metrics.service';

/** GET /metrics, and timing of detection and audit writes. */
@Module({
  imports: [MetricsModule, AuditModule, DetectionHttpModule],
  controllers: [MetricsController],
})
export class ObservabilityModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly engine: DetectionEngine,
    private readonly audit: AuditService,
  ) {}

  /**
   * Detection stays pure and the audit trail framework-free: their shared instances are timed
   * and watched from here, by wrapping the one method each, rather than by editing them.
   */
  onModuleInit(): void {
    const { metrics } = this;
    const detect = this.engine.detect.bind(this.engine);
    this.engine.detect = (...args: Parameters<DetectionEngine['detect']>) => {
      const started = process.hrtime.bigint();
      try {
        return detect(...args);
      } finally {
        metrics.observeDetection(Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
    const record = this.audit.record.bind(this.audit);
    this.audit.record = async (event) => {
      try {
        await record(event);
      } catch (error) {
        metrics.countAuditFailure();
        throw error;
      }
    };
  }
}
