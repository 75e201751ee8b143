import { Module } from '@nestjs/common';
import { DetectionEngine } from '../detection';
import { PolicyModule } from '../policy/policy.module';
import { DetectController } from './detect.controller';

/** Nest shell around the pure detection engine: one shared engine, and POST /v1/detect. */
@Module({
  imports: [PolicyModule],
  controllers: [DetectController],
  providers: [{ provide: DetectionEngine, useFactory: () => new DetectionEngine() }],
  exports: [DetectionEngine],
})
export class DetectionHttpModule {}
