import { Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditWriter } from './audit-writer';

const logger = new Logger('Audit');

/** The tamper-evident audit trail. Other modules import it and call AuditService.record. */
@Module({
  controllers: [AuditController],
  providers: [
    {
      provide: AuditService,
      inject: [DataSource],
      useFactory: (db: DataSource) =>
        new AuditService(db, new AuditWriter(db, (message) => logger.error(message))),
    },
  ],
  exports: [AuditService],
})
export class AuditModule {}
