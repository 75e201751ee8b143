import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DetectionEngine } from '../detection';
import { DiscoveryController } from './discovery.controller';
import { DiscoveryService } from './discovery.service';
import { DISCOVERY_ENGINE, DISCOVERY_SETTINGS, type DiscoverySettings } from './discovery.settings';
import { ScanJobs } from './scan-jobs';
import { ScanRunner } from './scan-runner';
import { ScanStore } from './scan-store';

/** Scans of existing PostgreSQL databases for PII columns, as durable jobs. */
@Module({})
export class DiscoveryModule {
  static forRoot(settings: DiscoverySettings): DynamicModule {
    return {
      module: DiscoveryModule,
      imports: [AuditModule],
      controllers: [DiscoveryController],
      providers: [
        { provide: DISCOVERY_SETTINGS, useValue: settings },
        { provide: DISCOVERY_ENGINE, useFactory: () => new DetectionEngine() },
        ScanStore,
        ScanRunner,
        ScanJobs,
        DiscoveryService,
      ],
    };
  }
}
