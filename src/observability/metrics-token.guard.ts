import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, VaultError } from '../common/errors';
import { AppConfig } from '../config/app-config';

/**
 * GET /metrics with PII_VAULT_METRICS_TOKEN set: only that bearer token may read. The route is
 * @Public to the API-key guard; this guard is its own lock.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly tokenDigest?: Buffer;

  constructor(config: AppConfig) {
    if (config.PII_VAULT_METRICS_TOKEN) this.tokenDigest = digest(config.PII_VAULT_METRICS_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.tokenDigest) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (match === null || !timingSafeEqual(digest(match[1]), this.tokenDigest)) {
      throw new VaultError(
        ErrorCode.Unauthenticated,
        'Metrics need Authorization: Bearer <metrics token>',
      );
    }
    return true;
  }
}

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
