import { Module } from '@nestjs/common';
import { DetectionEngine } from '../detection';
import { DetectController } from './detect.controller';

/** Nest shell around the pure detection engine: one shared engine, and POST /v1/detect. */
@Module({
  controllers: [DetectController],
  providers: [{ provide: DetectionEngine, useFactory: () => new DetectionEngine() }],
  exports: [DetectionEngine],
})
export class DetectionHttpModule {}
