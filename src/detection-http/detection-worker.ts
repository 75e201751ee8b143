/** Worker-thread entry of DetectionRunner: one engine per thread, entities back to the request. */
import { DetectedEntity, DetectionEngine, DetectOptions } from '../detection';

const engine = new DetectionEngine();

export default function detect(job: { text: string; options: DetectOptions }): DetectedEntity[] {
  return engine.detect(job.text, job.options);
}
