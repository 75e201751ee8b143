import {
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { openPoolConnections } from '../common/sql';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditMac } from '../crypto/audit-mac';
import { AuditWriter } from './audit-writer';
import { MetricsModule } from '../observability/metrics.module';
import { MetricsService } from '../observability/metrics.service';

const WRITER_DATA_SOURCE = Symbol('AuditWriterDataSource');
/** One batch per tenant at a time: a few tenants write at once. */
const WRITER_POOL_SIZE = 4;

const logger = new Logger('Audit');

/** The tamper-evident audit trail. Other modules import it and call AuditService.record. */
@Module({
  imports: [MetricsModule],
  controllers: [AuditController],
  providers: [
    {
      // A pool of its own, so audit writes never queue behind request queries.
      provide: WRITER_DATA_SOURCE,
      inject: [DataSource],
      useFactory: async (db: DataSource) => {
        const options = db.options as PostgresDataSourceOptions;
        const own = new DataSource({
          ...options,
          extra: { ...options.extra, max: WRITER_POOL_SIZE, application_name: 'pii-vault-audit' },
        });
        await own.initialize();
        await openPoolConnections(own, WRITER_POOL_SIZE);
        return own;
      },
    },
    {
      provide: AuditService,
      inject: [DataSource, WRITER_DATA_SOURCE, AuditMac, MetricsService],
      useFactory: (db: DataSource, writerDb: DataSource, mac: AuditMac, metrics: MetricsService) =>
        new AuditService(db, new AuditWriter(writerDb, mac, (m) => logger.error(m)), mac, {
          onRecordFailure: () => metrics.countAuditFailure(),
        }),
    },
  ],
  exports: [AuditService],
})
export class AuditModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WRITER_DATA_SOURCE) private readonly writerDb: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Before the server listens: chains still ending in unkeyed (v1) rows get a keyed row. */
  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.audit.sealLegacyChains();
    if (sealed > 0) logger.log(`Sealed the unkeyed audit chains of ${sealed} tenants`);
  }

  /** After AuditService has let its batches commit (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.writerDb.destroy();
  }
}
