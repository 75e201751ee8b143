import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { registerErrorMapper } from '../common/error-registry';
import { ErrorCode } from '../common/errors';
import { selectRows } from '../common/sql';

export const MASTER_KEY_ID = Symbol('HealthMasterKeyId');

/**
 * Ready to serve: the database answers, every migration is applied, and keys are loaded (the
 * master key is the one that wrapped the stored tenant keys, and an API key exists).
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly db: DataSource,
    @Inject(MASTER_KEY_ID) private readonly masterKeyId: string,
  ) {}

  /** Resolves with the checks when all are up; rejects (a 503 from Terminus) otherwise. */
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.typeorm.pingCheck('database').withTimeout(3000),
      () =>
        this.indicators.check('migrations').attempt(async () => {
          if (await this.db.showMigrations()) throw new Error('migrations pending');
        }),
      () =>
        this.indicators.check('keys').attempt(async () => {
          const rows = await selectRows<{ master_key_matches: boolean; api_keys_present: boolean }>(
            this.db,
            `SELECT NOT EXISTS (SELECT 1 FROM tenant_keys WHERE master_key_id <> $1) AS master_key_matches,
                    EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL) AS api_keys_present`,
            [this.masterKeyId],
          );
          if (!rows[0].master_key_matches) throw new Error('master key does not match stored keys');
          if (!rows[0].api_keys_present) throw new Error('no API key installed');
        }),
    ]);
  }
}

/**
 * Terminus rejects with a 503 whose body names the failed checks; the filter answers it from the
 * error-code table: `database_unavailable` when the database check failed, else `not_ready`.
 */
registerErrorMapper((error) => {
  if (!(error instanceof ServiceUnavailableException)) return undefined;
  const body = error.getResponse() as Partial<HealthCheckResult> | string;
  if (typeof body !== 'object' || body.status !== 'error' || !body.error) return undefined;
  const failed = Object.keys(body.error);
  if (failed.length === 0 || failed.includes('database')) {
    return {
      code: ErrorCode.DatabaseUnavailable,
      message: 'The database is unreachable',
      details: { failed: failed.length ? failed : ['database'] },
    };
  }
  return {
    code: ErrorCode.NotReady,
    message: `Not ready: ${failed.join(', ')}`,
    details: { failed },
  };
});
