import path from 'node:path';
import Piscina from 'piscina';
import { DetectionEngine } from '../detection';

/** Where a detected entity is, and what it is: all a scan keeps of it. */
export interface Span {
  type: string;
  start: number;
  end: number;
}

/** Detects entities in many texts at once, here or on worker threads. */
export interface BatchDetector {
  detectMany(texts: readonly string[]): Promise<Span[][]>;
  close(): Promise<void>;
}

export function spansOf(engine: DetectionEngine, texts: readonly string[]): Span[][] {
  return texts.map((text) =>
    engine.detect(text).map(({ type, start, end }) => ({ type, start, end })),
  );
}

/** On the caller's thread: the command line and unit tests. */
export class InProcessDetector implements BatchDetector {
  constructor(private readonly engine: DetectionEngine = new DetectionEngine()) {}

  detectMany(texts: readonly string[]): Promise<Span[][]> {
    return Promise.resolve(spansOf(this.engine, texts));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * On worker threads (piscina), so a scan never blocks the event loop that serves tokenize and
 * detokenize, and can use another core. Each worker loads its own engine once.
 */
export class WorkerPoolDetector implements BatchDetector {
  private readonly pool: Piscina<readonly string[], Span[][]>;

  constructor(threads: number) {
    this.pool = new Piscina({
      filename: path.join(__dirname, 'detection-worker.js'),
      // Started when a scan first needs them, not at boot (most processes never scan), and kept
      // a while between pages: each loads its own engine (1.4 s here: require 0.8 s, first
      // detect 0.6 s).
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 5 * 60_000,
    });
  }

  detectMany(texts: readonly string[]): Promise<Span[][]> {
    return this.pool.run(texts);
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
