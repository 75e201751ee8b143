import { mapRegisteredError } from '../common/error-registry';
import { ErrorCode } from '../common/errors';
import { isDatabaseDown } from './database-errors';

/** What pg raises for a server answer: an Error with the SQLSTATE in `code`. */
function pgError(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code });
}

/** TypeORM's QueryFailedError keeps the driver's error in `driverError`. */
function wrapped(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { driverError });
}

describe('isDatabaseDown', () => {
  it.each([
    ['08006', 'connection failure'],
    ['08001', 'cannot establish a connection'],
    ['53300', 'too many connections'],
    ['57P01', 'administrator shutdown'],
    ['57P03', 'the database system is starting up'],
    ['3D000', 'the database does not exist'],
    ['28P01', 'password authentication failed'],
  ])('SQLSTATE %s (%s) is down, bare or wrapped by TypeORM', (code) => {
    expect(isDatabaseDown(pgError(code))).toBe(true);
    expect(isDatabaseDown(wrapped(pgError(code)))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'])(
    'socket error %s is down',
    (code) => expect(isDatabaseDown(pgError(code, `connect ${code} 10.0.0.1:5432`))).toBe(true),
  );

  it.each([
    ['23505', 'unique violation'],
    ['42601', 'syntax error'],
    ['22P02', 'invalid text representation'],
    ['57014', 'statement timeout: the server is up'],
    ['40001', 'serialization failure'],
  ])('SQLSTATE %s (%s) is not down', (code) => {
    expect(isDatabaseDown(wrapped(pgError(code)))).toBe(false);
  });

  it('a server error that ended the session (FATAL, PANIC) is down whatever its SQLSTATE', () => {
    // ALTER DATABASE … ALLOW_CONNECTIONS false: a new session is refused with 55000, FATAL.
    const refused = Object.assign(pgError('55000'), { severity: 'FATAL' });
    expect(isDatabaseDown(refused)).toBe(true);
    expect(isDatabaseDown(wrapped(refused))).toBe(true);
    expect(isDatabaseDown(Object.assign(pgError('XX000'), { severity: 'PANIC' }))).toBe(true);
    // The same SQLSTATE as a statement's own failure (severity ERROR) is not.
    expect(isDatabaseDown(Object.assign(pgError('55000'), { severity: 'ERROR' }))).toBe(false);
    expect(isDatabaseDown(Object.assign(pgError('23505'), { severity: 'ERROR' }))).toBe(false);
  });

  it("follows pg-pool's cause and Node's AggregateError of one socket error per address", () => {
    const timeout = new Error('Connection terminated due to connection timeout', {
      cause: new Error('Connection terminated unexpectedly'),
    });
    expect(isDatabaseDown(timeout)).toBe(true);
    const refused = new AggregateError([
      pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    ]);
    expect(isDatabaseDown(refused)).toBe(true);
    expect(isDatabaseDown(new Error('wrapped', { cause: pgError('57P01') }))).toBe(true);
    expect(isDatabaseDown(new Error('wrapped', { cause: pgError('23505') }))).toBe(false);
  });

  it.each(['EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])(
    'socket error %s is down',
    (code) => expect(isDatabaseDown(wrapped(pgError(code)))).toBe(true),
  );

  it.each(['57P01', '57P02', '57P03', '08003', '08P01', '53100'])('SQLSTATE %s is down', (code) =>
    expect(isDatabaseDown(pgError(code))).toBe(true),
  );

  it('decides by the code, not by what the message says', () => {
    // A server error whose text mentions connections (it may quote user data) is still a 23505.
    expect(isDatabaseDown(pgError('23505', 'Connection terminated unexpectedly'))).toBe(false);
    expect(isDatabaseDown(pgError('42P01', 'timeout exceeded when trying to connect'))).toBe(false);
  });

  it("recognises node-postgres' code-less connection errors only by their exact text", () => {
    expect(isDatabaseDown(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseDown(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseDown(new Error('Cannot use a pool after calling end on the pool'))).toBe(true);
    expect(isDatabaseDown(new Error('value timeout exceeded when trying to connect!'))).toBe(false);
    expect(isDatabaseDown(new Error('Internal error'))).toBe(false);
  });

  it('ignores non-errors', () => {
    expect(isDatabaseDown(undefined)).toBe(false);
    expect(isDatabaseDown('ECONNREFUSED')).toBe(false);
    expect(isDatabaseDown({ code: 42 })).toBe(false);
  });

  it('is registered with the exception filter as database_unavailable', () => {
    expect(mapRegisteredError(wrapped(pgError('08006')))).toMatchObject({
      code: ErrorCode.DatabaseUnavailable,
    });
    expect(mapRegisteredError(wrapped(pgError('23505')))).toBeUndefined();
  });
});
