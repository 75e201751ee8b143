import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import PgBoss from 'pg-boss';
import { DISCOVERY_SETTINGS, type DiscoverySettings } from './discovery.settings';
import { ScanRunner } from './scan-runner';

const QUEUE = 'discovery-scan';
/** pg-boss's schema, created by the JobQueue migration (pg-boss itself never migrates). */
const JOB_SCHEMA = 'pgboss';

interface ScanJobData {
  scanId: string;
}

/**
 * Durable scan jobs on pg-boss in the vault's database. A job works one slice of a scan and,
 * when there is more, queues the next slice before it completes; on shutdown a slice stops at
 * its next page boundary, so a restarted service picks the scan up where it stood. A process
 * that dies mid-slice loses at most one page: the job expires and is retried.
 */
@Injectable()
export class ScanJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScanJobs.name);
  private boss?: PgBoss;
  private stopping = false;

  constructor(
    private readonly runner: ScanRunner,
    @Inject(DISCOVERY_SETTINGS) private readonly settings: DiscoverySettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.settings.databaseUrl,
      schema: JOB_SCHEMA,
      migrate: false,
      max: Math.max(2, this.settings.concurrency + 1),
      application_name: 'pii-vault-jobs',
      maintenanceIntervalSeconds: 30,
      monitorStateIntervalSeconds: 60,
    });
    // Errors carry driver messages only; no job data (scan ids) is secret, no value is in it.
    boss.on('error', (error: Error) =>
      this.logger.warn({ error: error.constructor.name }, 'job queue error'),
    );
    await boss.start();
    await boss.createQueue(QUEUE, {
      name: QUEUE,
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      // A slice is seconds long: an active job this old belongs to a process that died.
      expireInSeconds: Math.max(60, this.settings.sliceSeconds * 6),
    });
    this.boss = boss;
    for (let i = 0; i < this.settings.concurrency; i++)
      await boss.work<ScanJobData>(
        QUEUE,
        { pollingIntervalSeconds: 1, includeMetadata: true },
        (jobs) => this.work(jobs),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.boss?.stop({ graceful: true, wait: true, timeout: 20_000 });
  }

  /** Queues a scan's first slice. */
  async enqueue(scanId: string): Promise<void> {
    if (!this.boss || this.stopping) throw new Error('job queue not running');
    await this.boss.send(QUEUE, { scanId } satisfies ScanJobData);
  }

  private async work(jobs: PgBoss.JobWithMetadata<ScanJobData>[]): Promise<void> {
    for (const job of jobs) {
      let outcome;
      try {
        outcome = await this.runner.runSlice(job.data.scanId, () => this.stopping);
      } catch (error) {
        // pg-boss retries; after the last retry the scan must not stay 'running' for ever.
        if (job.retryCount >= job.retryLimit) await this.runner.giveUp(job.data.scanId);
        // pg-boss stores a failed job's error in its table: only the class name goes there,
        // never a driver message or a query's parameters.
        const kind = error instanceof Error ? error.constructor.name : typeof error;
        this.logger.warn({ scanId: job.data.scanId, error: kind }, 'discovery slice failed');
        // eslint-disable-next-line preserve-caught-error -- a cause would be stored with the job
        throw new Error(`discovery slice failed (${kind})`);
      }
      // Sent before this job completes: a crash in between leaves two jobs, and the scan's
      // advisory lock lets only one of them work.
      if (outcome === 'continue') await this.boss?.send(QUEUE, job.data);
    }
  }
}
