import { Module } from '@nestjs/common';
import { DetectionModule } from '../detection-runtime/detection.module';
import { PolicyModule } from '../policy/policy.module';
import { DetectController } from './detect.controller';
import { DetectService } from './detect.service';

/** POST /v1/detect: detection under the caller's policy, over HTTP. */
@Module({
  imports: [DetectionModule, PolicyModule],
  controllers: [DetectController],
  providers: [DetectService],
})
export class DetectionHttpModule {}
