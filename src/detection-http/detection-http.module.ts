import { Module } from '@nestjs/common';
import { DetectionEngine } from '../detection';
import { PolicyModule } from '../policy/policy.module';
import { DetectController } from './detect.controller';
import { DetectionRunner } from './detection-runner';

/** Nest shell around the pure detection engine: one shared engine, and POST /v1/detect. */
@Module({
  imports: [PolicyModule],
  controllers: [DetectController],
  providers: [
    { provide: DetectionEngine, useFactory: () => new DetectionEngine() },
    DetectionRunner,
  ],
  exports: [DetectionEngine, DetectionRunner],
})
export class DetectionHttpModule {}
