import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DetectionModule } from '../detection-runtime/detection.module';
import { MetricsModule } from '../observability/metrics.module';
import { PolicyModule } from '../policy/policy.module';
import { RateLimitModule } from '../ratelimit/ratelimit.module';
import { ConversationTokens } from './conversation-tokens';
import { DetokenizeService } from './detokenize.service';
import { ExpiryPurger } from './expiry-purger';
import { ForgetService } from './forget.service';
import { TokenizeService } from './tokenize.service';
import { TokensController } from './tokens.controller';
import { VaultRepository } from './vault.repository';

@Module({
  imports: [DetectionModule, PolicyModule, AuditModule, RateLimitModule, MetricsModule],
  controllers: [TokensController],
  providers: [
    TokenizeService,
    DetokenizeService,
    ForgetService,
    VaultRepository,
    ExpiryPurger,
    ConversationTokens,
  ],
  exports: [TokenizeService, DetokenizeService, ConversationTokens],
})
export class TokensModule {}
