import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MetricsModule } from '../observability/metrics.module';
import { PolicyModule } from '../policy/policy.module';
import { TokensModule } from '../tokens/tokens.module';
import { GatewayAdminController } from './gateway-admin.controller';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';
import { UpstreamStore } from './upstream-store';
import { UpstreamsRepository } from './upstreams.repository';

@Module({
  imports: [TokensModule, PolicyModule, MetricsModule, AuditModule],
  controllers: [GatewayController, GatewayAdminController],
  providers: [GatewayService, UpstreamStore, UpstreamsRepository],
})
export class GatewayModule {}
