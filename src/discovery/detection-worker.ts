/** Worker-thread entry of WorkerPoolDetector: one engine per thread, spans back to the scan. */
import { DetectionEngine } from '../detection';
import { spansOf, type Span } from './batch-detector';

const engine = new DetectionEngine();

export default function detect(texts: readonly string[]): Span[][] {
  return spansOf(engine, texts);
}
