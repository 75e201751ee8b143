import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditWriter } from './audit-writer';

const WRITER_DATA_SOURCE = Symbol('AuditWriterDataSource');
/** One batch per tenant at a time: a few tenants write at once. */
const WRITER_POOL_SIZE = 4;

const logger = new Logger('Audit');

/** The tamper-evident audit trail. Other modules import it and call AuditService.record. */
@Module({
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
        return own.initialize();
      },
    },
    {
      provide: AuditService,
      inject: [DataSource, WRITER_DATA_SOURCE],
      useFactory: (db: DataSource, writerDb: DataSource) =>
        new AuditService(db, new AuditWriter(writerDb, (m) => logger.error(m))),
    },
  ],
  exports: [AuditService],
})
export class AuditModule implements OnApplicationShutdown {
  constructor(@Inject(WRITER_DATA_SOURCE) private readonly writerDb: DataSource) {}

  /** After AuditService has let its batches commit (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.writerDb.destroy();
  }
}
