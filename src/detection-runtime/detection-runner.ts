import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import path from 'node:path';
import Piscina from 'piscina';
import { AppConfig } from '../config/app-config';
import { DetectedEntity, DetectionEngine, DetectOptions } from '../detection';
import { DetectionLane, MetricsService } from '../observability/metrics.service';
import { detectResultJson } from './detect-result';
import type { DetectedColumns } from './detection-worker';

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

/** A task for a detection thread (detection-worker.ts). */
export interface DetectJob {
  texts: string[];
  options: DetectOptions;
}

/** What a detection thread is started with (Piscina's workerData). */
export interface DetectThreadData {
  /** Runs at a lower CPU priority than the event loop (the bulk thread). */
  background: boolean;
}

/** Threads for large texts: one leaves the other core to the event loop and PostgreSQL. */
const BULK_THREADS = 1;

/**
 * The event loop's own engine, built on first use. Its word lists and name model are about half
 * the heap a full collection on the event loop marks, so a process whose detection runs on
 * detection threads (PII_VAULT_DETECT_THREADS > 0, the default) never builds it.
 */
@Injectable()
export class LazyDetectionEngine {
  private engine?: DetectionEngine;

  get(): DetectionEngine {
    return (this.engine ??= new DetectionEngine());
  }
}

/** Where a request's texts are detected (a label of pii_vault_detection_duration_seconds). */
export type DetectionDetectionLane = 'loop' | 'threads' | 'bulk';

/**
 * Runs detection for a request, in one of three lanes:
 * - `threads`: PII_VAULT_DETECT_THREADS worker threads at normal priority, started (engine loaded)
 *   before the service listens. The event loop keeps auth, SQL, crypto and answers; detection's
 *   allocations and its engine's 60 MB of word lists and weights live in the threads' own heaps,
 *   so their garbage collections never pause the event loop (and every other route with it).
 * - `loop`: with PII_VAULT_DETECT_THREADS=0, texts run on the event loop (the engine is built on
 *   first use).
 * - `bulk`: requests whose texts together pass PII_VAULT_DETECT_OFFLOAD_BYTES run on one thread
 *   of lower CPU priority, started on the first such request: one large text cannot hold up
 *   health checks and every small request for seconds.
 */
@Injectable()
export class DetectionRunner implements OnModuleInit, OnModuleDestroy {
  private threads?: Piscina<DetectJob, DetectedColumns>;
  private bulk?: Piscina<DetectJob, DetectedColumns>;

  constructor(
    @Inject(LazyDetectionEngine) private readonly engine: LazyDetectionEngine,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  /** Starts the detection threads and waits until each has loaded its engine. */
  async onModuleInit(): Promise<void> {
    const count = this.config.PII_VAULT_DETECT_THREADS;
    if (count === 0) return;
    this.threads = newPool(count, { background: false });
    await Promise.all(
      Array.from({ length: count }, () => this.threads!.run({ texts: [], options: {} })),
    );
  }

  detect(text: string, options: DetectOptions = {}): Promise<DetectedEntity[]> {
    return this.detectAll([text], options).then((found) => found[0]);
  }

  /**
   * Detection for a batch, as one task. Its lane depends on the batch's total size, not each
   * text's: a thousand texts just under the threshold stall a thread as one large text would.
   */
  async detectAll(
    texts: readonly string[],
    options: DetectOptions = {},
  ): Promise<DetectedEntity[][]> {
    const lane = this.laneFor(texts);
    if (lane === 'loop') return texts.map((text) => this.detectOnLoop(text, options));
    const { columns, seconds } = await this.pool(lane).run({ texts: [...texts], options });
    for (const spent of seconds) this.metrics.observeDetection(lane, spent);
    return texts.map((text, i) => entitiesOf(text, columns[i]));
  }

  /**
   * The detect route's answer as JSON bytes. For a large text the bulk thread serializes it too:
   * tens of thousands of entities cost the event loop more to build and stringify than to detect
   * small texts for every other caller.
   */
  async detectAsJson(text: string, options: DetectOptions = {}): Promise<Buffer> {
    if (this.laneFor([text]) !== 'bulk') {
      const [found] = await this.detectAll([text], options);
      return Buffer.from(detectResultJson(found), 'utf8');
    }
    const started = process.hrtime.bigint();
    const bytes = (await this.pool('bulk').run(
      { texts: [text], options },
      { name: 'detectAsJson' },
    )) as unknown as Uint8Array;
    // The bytes move back alone, without the thread's own timing: this one includes the hop.
    this.metrics.observeDetection('bulk', Number(process.hrtime.bigint() - started) / 1e9);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.threads?.destroy(), this.bulk?.destroy()]);
  }

  private laneFor(texts: readonly string[]): DetectionLane {
    // UTF-16 length bounds the UTF-8 size from below by at most 3x; it is the cheap measure.
    let total = 0;
    for (const text of texts) total += text.length;
    if (total > this.config.PII_VAULT_DETECT_OFFLOAD_BYTES) return 'bulk';
    return this.threads ? 'threads' : 'loop';
  }

  private pool(lane: 'threads' | 'bulk'): Piscina<DetectJob, DetectedColumns> {
    if (lane === 'threads') return this.threads!;
    // Started on the first large text, not at boot: a thread loads its own engine (about 1.4 s).
    this.bulk ??= newPool(BULK_THREADS, { background: true }, 5 * 60_000);
    return this.bulk;
  }

  /** Detection on the event loop, timed: the histogram shows what texts cost the loop. */
  private detectOnLoop(text: string, options: DetectOptions): DetectedEntity[] {
    const started = process.hrtime.bigint();
    try {
      return this.engine.get().detect(text, options);
    } finally {
      this.metrics.observeDetection('loop', Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

function newPool(
  threads: number,
  data: DetectThreadData,
  idleTimeout = Infinity,
): Piscina<DetectJob, DetectedColumns> {
  return new Piscina({
    filename: path.join(__dirname, 'detection-worker.js'),
    minThreads: idleTimeout === Infinity ? threads : 0,
    maxThreads: threads,
    idleTimeout,
    workerData: data,
  });
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
