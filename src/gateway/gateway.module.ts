import { Module } from '@nestjs/common';
import { MetricsModule } from '../observability/metrics.module';
import { PolicyModule } from '../policy/policy.module';
import { TokensModule } from '../tokens/tokens.module';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';

@Module({
  imports: [TokensModule, PolicyModule, MetricsModule],
  controllers: [GatewayController],
  providers: [GatewayService],
})
export class GatewayModule {}
