import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import Piscina from 'piscina';
import { AppConfig } from '../config/app-config';
import { DetectedEntity, DetectionEngine, DetectOptions } from '../detection';
import { MetricsService } from '../observability/metrics.service';
import { detectResultJson } from './detect-result';

/** Detected entities of one text, column by column (see detection-worker.ts). */
export interface EntityColumns {
  types: string[];
  type: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  score: Float64Array;
  recognizers: string[];
  recognizer: Uint16Array;
}

/** Threads for large texts: one leaves the other core to the event loop and PostgreSQL. */
const OFFLOAD_THREADS = 1;

/**
 * Runs detection for a request. Texts up to PII_VAULT_DETECT_OFFLOAD_BYTES run on the event loop
 * (a 1 KB prompt takes about a millisecond, less than a hop to a thread); larger ones run on a
 * worker thread, so one large text cannot stall health checks and every other caller for seconds.
 */
@Injectable()
export class DetectionRunner implements OnModuleDestroy {
  private pool?: Piscina<{ text: string; options: DetectOptions }, EntityColumns>;

  constructor(
    @Inject(DetectionEngine) private readonly engine: DetectionEngine,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  detect(text: string, options: DetectOptions = {}): Promise<DetectedEntity[]> {
    // UTF-16 length bounds the UTF-8 size from below by at most 3x; it is the cheap measure.
    if (text.length <= this.config.PII_VAULT_DETECT_OFFLOAD_BYTES) {
      return Promise.resolve(this.detectOnLoop(text, options));
    }
    return this.workerPool()
      .run({ text, options })
      .then((columns) => entitiesOf(text, columns));
  }

  /**
   * Detection for a batch. Whether it leaves the event loop depends on the batch's total size, not
   * each text's: a thousand texts just under the threshold stall the loop as one large text would.
   */
  detectAll(texts: readonly string[], options: DetectOptions = {}): Promise<DetectedEntity[][]> {
    let total = 0;
    for (const text of texts) total += text.length;
    if (total <= this.config.PII_VAULT_DETECT_OFFLOAD_BYTES) {
      return Promise.resolve(texts.map((text) => this.detectOnLoop(text, options)));
    }
    const pool = this.workerPool();
    return Promise.all(
      texts.map((text) => pool.run({ text, options }).then((columns) => entitiesOf(text, columns))),
    );
  }

  /**
   * The detect route's answer as JSON bytes. For a large text the worker serializes it too: tens
   * of thousands of entities cost the event loop more to build and stringify than to detect
   * small texts for every other caller.
   */
  async detectAsJson(text: string, options: DetectOptions = {}): Promise<Buffer> {
    if (text.length <= this.config.PII_VAULT_DETECT_OFFLOAD_BYTES) {
      return Buffer.from(detectResultJson(this.detectOnLoop(text, options)), 'utf8');
    }
    const bytes = (await this.workerPool().run(
      { text, options },
      { name: 'detectAsJson' },
    )) as unknown as Uint8Array;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Detection on the event loop, timed: the histogram shows what small texts cost the loop. */
  private detectOnLoop(text: string, options: DetectOptions): DetectedEntity[] {
    const started = process.hrtime.bigint();
    try {
      return this.engine.detect(text, options);
    } finally {
      this.metrics.observeDetection(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }

  private workerPool(): Piscina<{ text: string; options: DetectOptions }, EntityColumns> {
    // Started on the first large text, not at boot: a thread loads its own engine (about 1.4 s).
    this.pool ??= new Piscina({
      filename: path.join(__dirname, 'detection-worker.js'),
      minThreads: 0,
      maxThreads: OFFLOAD_THREADS,
      idleTimeout: 5 * 60_000,
    });
    return this.pool;
  }
}

/** Entities from columns; each text is a slice of the request's own string. */
function entitiesOf(text: string, columns: EntityColumns): DetectedEntity[] {
  const entities: DetectedEntity[] = new Array<DetectedEntity>(columns.start.length);
  for (let i = 0; i < entities.length; i++) {
    const start = columns.start[i];
    const end = columns.end[i];
    entities[i] = {
      type: columns.types[columns.type[i]],
      start,
      end,
      score: columns.score[i],
      text: text.slice(start, end),
      recognizer: columns.recognizers[columns.recognizer[i]],
    };
  }
  return entities;
}
