import { registerErrorMapper } from '../common/error-registry';
import { ErrorCode } from '../common/errors';

/**
 * SQLSTATEs meaning the server is unreachable or refusing work, not that the statement was wrong:
 * class 08 (connection exception), class 53 (insufficient resources, e.g. 53300 too many
 * connections), 57P01–57P05 (admin/crash shutdown, cannot connect now, idle-session timeout),
 * 3D000 (the database is gone) and 28000/28P01 (the server refuses our credentials).
 */
const DOWN_SQLSTATE = /^(?:08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-5]|3D000|28000|28P01)$/;

/**
 * Severities of a server error that ended our session (PostgreSQL's `S` field; a statement's own
 * failure is `ERROR`). Whatever its SQLSTATE, the connection is gone: for example 55000 "database
 * is not currently accepting connections" (ALLOW_CONNECTIONS false) or 25P03 (idle in transaction
 * too long). A server configured with non-English lc_messages translates this field; the SQLSTATE
 * classes above still hold there.
 */
const SESSION_ENDING_SEVERITY = new Set(['FATAL', 'PANIC']);

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

/** How deep `driverError` / `cause` / AggregateError chains are followed. */
const MAX_DEPTH = 4;

interface DriverErrorShape {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Whether `error` says the database cannot serve us: a pg error, TypeORM's wrapper of one
 * (`driverError`), an error whose `cause` is one (pg-pool's connection timeout), or Node's
 * AggregateError of one socket error per address tried. Decided by SQLSTATE class, the severity
 * of a session-ending server error and the socket error code; by exact driver text only for
 * node-postgres' code-less connection errors.
 */
export function isDatabaseDown(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > MAX_DEPTH) return false;
  const e = error as DriverErrorShape;
  if (typeof e.code === 'string' && (DOWN_SQLSTATE.test(e.code) || DOWN_ERRNO.has(e.code))) {
    return true;
  }
  if (typeof e.severity === 'string' && SESSION_ENDING_SEVERITY.has(e.severity)) return true;
  if (e.code === undefined && typeof e.message === 'string') {
    if (PG_CODELESS_DOWN_MESSAGES.has(e.message)) return true;
  }
  const inner = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((next) => next !== error && isDatabaseDown(next, depth + 1));
}

registerErrorMapper((error) =>
  isDatabaseDown(error)
    ? {
        code: ErrorCode.DatabaseUnavailable,
        message: 'The database is unavailable; nothing was done',
      }
    : undefined,
);
