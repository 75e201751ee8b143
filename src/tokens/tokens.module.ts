import { Module } from '@nestjs/common';
import { DetectionHttpModule } from '../detection-http/detection-http.module';
import { DetokenizeService } from './detokenize.service';
import { TokenizeService } from './tokenize.service';
import { TokensController } from './tokens.controller';
import { VaultRepository } from './vault.repository';

@Module({
  imports: [DetectionHttpModule],
  controllers: [TokensController],
  providers: [TokenizeService, DetokenizeService, VaultRepository],
})
export class TokensModule {}
