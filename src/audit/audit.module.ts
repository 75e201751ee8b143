import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditWriter } from './audit-writer';

/** The tamper-evident audit trail. Other modules import it and call AuditService.record. */
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditWriter],
  exports: [AuditService],
})
export class AuditModule {}
