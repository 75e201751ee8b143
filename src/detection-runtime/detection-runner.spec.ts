import type { AppConfig } from '../config/app-config';
import type { DetectedEntity, DetectionEngine, DetectOptions } from '../detection';
import type { MetricsService } from '../observability/metrics.service';
import { DetectionRunner, type EntityColumns } from './detection-runner';

// Nest's decorators only: @nestjs/common is ESM, which the unit project does not load.
jest.mock('@nestjs/common', () => ({
  Inject: () => () => undefined,
  Injectable: () => () => undefined,
}));

/** Where a batch is detected: on the loop (the engine) or on the worker pool (a stand-in). */
function runnerWith(threshold: number) {
  const onLoop: string[] = [];
  const offloaded: string[] = [];
  const engine = {
    detect: (text: string): DetectedEntity[] => {
      onLoop.push(text);
      return [];
    },
  } as unknown as DetectionEngine;
  const config = { PII_VAULT_DETECT_OFFLOAD_BYTES: threshold } as AppConfig;
  const metrics = { observeDetection: () => undefined } as unknown as MetricsService;
  const runner = new DetectionRunner(engine, config, metrics);
  const empty: EntityColumns = {
    types: [],
    type: new Uint16Array(0),
    start: new Int32Array(0),
    end: new Int32Array(0),
    score: new Float64Array(0),
    recognizers: [],
    recognizer: new Uint16Array(0),
  };
  const pool = {
    run: ({ text }: { text: string; options: DetectOptions }) => {
      offloaded.push(text);
      return Promise.resolve(empty);
    },
  };
  (runner as unknown as { pool: typeof pool }).pool = pool;
  return { runner, onLoop, offloaded };
}

describe('DetectionRunner.detectAll (issue #12 F5)', () => {
  it('detects a batch on the event loop while the texts together stay under the threshold', async () => {
    const { runner, onLoop, offloaded } = runnerWith(100);
    const result = await runner.detectAll(['a'.repeat(50), 'b'.repeat(50)]);
    expect(result).toEqual([[], []]);
    expect(onLoop).toHaveLength(2);
    expect(offloaded).toHaveLength(0);
  });

  it('offloads every text of a batch whose total passes the threshold, though each is under it', async () => {
    const { runner, onLoop, offloaded } = runnerWith(100);
    const texts = Array.from({ length: 3 }, () => 'c'.repeat(99));
    const result = await runner.detectAll(texts);
    expect(result).toHaveLength(3);
    expect(offloaded).toHaveLength(3);
    expect(onLoop).toHaveLength(0);
  });
});
