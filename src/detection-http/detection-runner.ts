import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import Piscina from 'piscina';
import { AppConfig } from '../config/app-config';
import { DetectedEntity, DetectionEngine, DetectOptions } from '../detection';

/** Threads for large texts: one leaves the other core to the event loop and PostgreSQL. */
const OFFLOAD_THREADS = 1;

/**
 * Runs detection for a request. Texts up to PII_VAULT_DETECT_OFFLOAD_BYTES run on the event loop
 * (a 1 KB prompt takes about a millisecond, less than a hop to a thread); larger ones run on a
 * worker thread, so one large text cannot stall health checks and every other caller for seconds.
 */
@Injectable()
export class DetectionRunner implements OnModuleDestroy {
  private pool?: Piscina<{ text: string; options: DetectOptions }, DetectedEntity[]>;

  constructor(
    @Inject(DetectionEngine) private readonly engine: DetectionEngine,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  detect(text: string, options: DetectOptions = {}): Promise<DetectedEntity[]> {
    // UTF-16 length bounds the UTF-8 size from below by at most 3x; it is the cheap measure.
    if (text.length <= this.config.PII_VAULT_DETECT_OFFLOAD_BYTES) {
      return Promise.resolve(this.engine.detect(text, options));
    }
    return this.workerPool().run({ text, options });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }

  private workerPool(): Piscina<{ text: string; options: DetectOptions }, DetectedEntity[]> {
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
