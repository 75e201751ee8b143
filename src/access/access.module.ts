import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { MetricsModule } from '../observability/metrics.module';
import { PolicyModule } from '../policy/policy.module';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { RevocationFeed } from './revocation-feed';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

@Module({
  imports: [AuditModule, MetricsModule, PolicyModule, RateLimitModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysService,
    ApiKeysRepository,
    RevocationFeed,
    TenantsService,
    TenantsRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysService, TenantsService],
})
export class AccessModule {}
