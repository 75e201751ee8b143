import { Module } from '@nestjs/common';
import { MetricsModule } from '../observability/metrics.module';
import { DetectionRunner, LazyDetectionEngine } from './detection-runner';

/**
 * The runner that detects for every route: on the detection threads (each with its own engine),
 * the bulk thread for large requests, or a lazily built engine on the event loop when
 * PII_VAULT_DETECT_THREADS=0. Any module that detects imports this one.
 */
@Module({
  imports: [MetricsModule],
  providers: [LazyDetectionEngine, DetectionRunner],
  exports: [DetectionRunner],
})
export class DetectionModule {}
