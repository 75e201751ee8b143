import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../access/auth.guard';
import { ErrorCode, VaultError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint; with PII_VAULT_METRICS_TOKEN set, only that bearer token may read. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest?: Buffer;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    if (config.PII_VAULT_METRICS_TOKEN) this.tokenDigest = digest(config.PII_VAULT_METRICS_TOKEN);
  }

  @Get()
  @Public()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (this.tokenDigest && !this.authorized(authorization)) {
      throw new VaultError(
        ErrorCode.Unauthenticated,
        'Metrics need Authorization: Bearer <metrics token>',
      );
    }
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.render();
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.tokenDigest!);
  }
}

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
