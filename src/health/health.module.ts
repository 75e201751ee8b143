import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MASTER_KEY_ID, Readiness } from './readiness';

/** GET /health/live, GET /health/ready, and GET /health (ready, in its original shape). */
@Module({})
export class HealthModule {
  static forRoot(masterKeyId: string): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [Readiness, { provide: MASTER_KEY_ID, useValue: masterKeyId }],
    };
  }
}
