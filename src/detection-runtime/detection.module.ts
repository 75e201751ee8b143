import { Module } from '@nestjs/common';
import { MetricsModule } from '../observability/metrics.module';
import { DetectionRunner, LazyDetectionEngine } from './detection-runner';

/**
 * The one shared detection engine of the process and the runner that feeds it (on the event loop,
 * or on a worker thread for large texts). Any module that detects imports this one.
 */
@Module({
  imports: [MetricsModule],
  providers: [LazyDetectionEngine, DetectionRunner],
  exports: [DetectionRunner],
})
export class DetectionModule {}
