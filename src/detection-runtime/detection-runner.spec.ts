import type { AppConfig } from '../config/app-config';
import type { DetectedEntity, DetectionEngine } from '../detection';
import type { DetectionLane, MetricsService } from '../observability/metrics.service';
import { type DetectJob, DetectionRunner, LazyDetectionEngine } from './detection-runner';
import type { DetectedColumns } from './detection-worker';

// Nest's decorators only: @nestjs/common is ESM, which the unit project does not load.
jest.mock('@nestjs/common', () => ({
  Inject: () => () => undefined,
  Injectable: () => () => undefined,
}));

/** Where each batch is detected: the event loop (the engine) or a pool (stand-ins). */
function runnerWith(threshold: number, threads: boolean) {
  const seen: { lane: DetectionLane; texts: string[] }[] = [];
  const observed: DetectionLane[] = [];
  let built = 0;
  const engine = {
    detect: (text: string): DetectedEntity[] => {
      seen.push({ lane: 'loop', texts: [text] });
      return [];
    },
  } as unknown as DetectionEngine;
  const lazy = {
    get: () => {
      built++;
      return engine;
    },
  } as LazyDetectionEngine;
  const config = { PII_VAULT_DETECT_OFFLOAD_BYTES: threshold } as AppConfig;
  const metrics = {
    observeDetection: (lane: DetectionLane) => observed.push(lane),
  } as unknown as MetricsService;
  const runner = new DetectionRunner(lazy, config, metrics);
  const pool = (lane: DetectionLane) => ({
    run: ({ texts }: DetectJob): Promise<DetectedColumns> => {
      seen.push({ lane, texts });
      const empty = {
        types: [],
        type: new Uint16Array(0),
        start: new Int32Array(0),
        end: new Int32Array(0),
        score: new Float64Array(0),
        recognizers: [],
        recognizer: new Uint16Array(0),
      };
      return Promise.resolve({
        columns: texts.map(() => empty),
        seconds: new Float64Array(texts.length),
      });
    },
  });
  const internals = runner as unknown as { threads?: unknown; bulk?: unknown };
  if (threads) internals.threads = pool('threads');
  internals.bulk = pool('bulk');
  return { runner, seen, observed, built: () => built };
}

describe('DetectionRunner lanes (issue #12 F5, issue #14)', () => {
  it('detects a batch on the event loop without detection threads, while it stays under the threshold', async () => {
    const { runner, seen, observed } = runnerWith(100, false);
    const result = await runner.detectAll(['a'.repeat(50), 'b'.repeat(50)]);
    expect(result).toEqual([[], []]);
    expect(seen.map((s) => s.lane)).toEqual(['loop', 'loop']);
    expect(observed).toEqual(['loop', 'loop']);
  });

  it('sends a small batch to the detection threads as one task, and never builds an engine on the loop', async () => {
    const { runner, seen, observed, built } = runnerWith(100, true);
    const result = await runner.detectAll(['a'.repeat(50), 'b'.repeat(50)]);
    expect(result).toEqual([[], []]);
    expect(seen).toEqual([{ lane: 'threads', texts: ['a'.repeat(50), 'b'.repeat(50)] }]);
    expect(observed).toEqual(['threads', 'threads']);
    expect(built()).toBe(0);
  });

  it.each([false, true])(
    'sends a batch whose total passes the threshold to the bulk thread, though each text is under it (threads: %s)',
    async (threads) => {
      const { runner, seen, observed, built } = runnerWith(100, threads);
      const texts = Array.from({ length: 3 }, () => 'c'.repeat(99));
      const result = await runner.detectAll(texts);
      expect(result).toHaveLength(3);
      expect(seen).toEqual([{ lane: 'bulk', texts }]);
      expect(observed).toEqual(['bulk', 'bulk', 'bulk']);
      expect(built()).toBe(0);
    },
  );

  it('answers the detect route from the detection threads for a small text', async () => {
    const { runner, seen } = runnerWith(100, true);
    const json = await runner.detectAsJson('hello');
    expect(JSON.parse(json.toString('utf8'))).toEqual({ entities: [] });
    expect(seen.map((s) => s.lane)).toEqual(['threads']);
  });
});
