import { registerErrorMapper } from '../common/error-registry';
import { ErrorCode } from '../common/errors';

/**
 * SQLSTATEs meaning the server is unreachable or refusing work, not that the statement was wrong:
 * class 08 (connection exception), class 53 (insufficient resources, e.g. 53300 too many
 * connections), 57P01–57P05 (admin/crash shutdown, cannot connect now, idle-session timeout),
 * 3D000 (the database is gone) and 28000/28P01 (the server refuses our credentials).
 */
const DOWN_SQLSTATE = /^(?:08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-5]|3D000|28000|28P01)$/;

/** Node socket and DNS error codes: the server cannot be reached at all. */
const DOWN_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The one place that reads a message: node-postgres (pg 8, pg-pool 3) raises these plain `Error`s
 * with no `code` when the connection is lost, the pool cannot hand out a client in time
 * (`connectionTimeoutMillis`) or has been ended. Matched exactly, as the driver writes them.
 */
const PG_CODELESS_DOWN_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/**
 * Whether `error` (a pg error, or TypeORM's wrapper of one in `driverError`) says the database
 * cannot serve us. Decided by SQLSTATE class and driver error code.
 */
export function isDatabaseDown(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const wrapper = error as { driverError?: unknown };
  const driver = (wrapper.driverError ?? error) as { code?: unknown; message?: unknown };
  if (typeof driver.code === 'string') {
    return DOWN_SQLSTATE.test(driver.code) || DOWN_ERRNO.has(driver.code);
  }
  return typeof driver.message === 'string' && PG_CODELESS_DOWN_MESSAGES.has(driver.message);
}

registerErrorMapper((error) =>
  isDatabaseDown(error)
    ? {
        code: ErrorCode.DatabaseUnavailable,
        message: 'The database is unavailable; nothing was done',
      }
    : undefined,
);
