import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { TenantsService } from './tenants.service';

@Module({
  imports: [AuditModule, RateLimitModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, TenantsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService, TenantsService],
})
export class AccessModule {}
