import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { type BatchDetector, WorkerPoolDetector } from './batch-detector';
import { DiscoveryController } from './discovery.controller';
import { DiscoveryService } from './discovery.service';
import {
  DISCOVERY_DETECTOR,
  DISCOVERY_SETTINGS,
  type DiscoverySettings,
} from './discovery.settings';
import { ScanJobs } from './scan-jobs';
import { ScanRunner } from './scan-runner';
import { ConnectionsRepository } from './connections.repository';
import { ScanStore } from './scan-store';

/** Stops the detection workers once the scan jobs have stopped (they stop before shutdown). */
@Injectable()
class DetectorShutdown implements OnApplicationShutdown {
  constructor(@Inject(DISCOVERY_DETECTOR) private readonly detector: BatchDetector) {}

  onApplicationShutdown(): Promise<void> {
    return this.detector.close();
  }
}

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
        {
          provide: DISCOVERY_DETECTOR,
          useFactory: () => new WorkerPoolDetector(settings.detectionThreads),
        },
        DetectorShutdown,
        ScanStore,
        ConnectionsRepository,
        ScanRunner,
        ScanJobs,
        DiscoveryService,
      ],
    };
  }
}
