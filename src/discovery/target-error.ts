/**
 * Why a scan could not read its target. Messages name hosts and codes, never credentials.
 * Connection failures are deliberately coarse: refused, reset, closed, timed out, not
 * PostgreSQL and unresolvable all read `unreachable`, so scans cannot map ports.
 */
export type TargetFailure =
  | 'invalid_url'
  | 'target_not_allowed'
  | 'unreachable'
  | 'authentication_failed'
  | 'database_not_found'
  | 'permission_denied'
  | 'unsupported_server'
  | 'statement_timeout'
  | 'target_error';

export class TargetError extends Error {
  constructor(
    readonly reason: TargetFailure,
    message: string,
  ) {
    super(message);
  }
}
