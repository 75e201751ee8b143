import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DecryptionError } from '../crypto/aead';
import { KeyUnavailableError } from '../crypto/keyring.service';
import { JsonBodyError } from './json-body';
import { isRefusedValue } from './refused-value';
import { ErrorCode, statusFor, TooManyRequestsError, VaultError } from './errors';

interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** PostgreSQL SQLSTATE classes meaning the server is unreachable or refusing work. */
const DB_DOWN_SQLSTATE = /^(08|53|57P0[1-4]|3D000|28000|28P01)/;
const DB_DOWN_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * One place maps every error to `{ error: { code, message, details? } }`. Unknown errors become a
 * bare 500; their messages are never sent or logged, since driver errors can quote values.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    const status = statusFor(body.code);
    if (status >= 500) this.logger.error(`${body.code}: ${describe(exception)}`);
    if (exception instanceof TooManyRequestsError) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    void reply.status(status).header('content-type', 'application/json').send({ error: body });
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof VaultError) {
      return { code: exception.code, message: exception.message, details: exception.details };
    }
    // Nest wraps Fastify's body-parsing errors in an HttpException whose cause is the original.
    const fastify = fastifyBody(
      exception instanceof HttpException ? (exception.cause ?? exception) : exception,
    );
    if (fastify) return fastify;
    if (exception instanceof BadRequestException) return validationBody(exception);
    if (exception instanceof HttpException) return httpBody(exception);
    if (exception instanceof KeyUnavailableError || exception instanceof DecryptionError) {
      return {
        code: ErrorCode.KeyUnavailable,
        message: 'The vault key for this tenant is unavailable',
      };
    }
    if (isRefusedValue(exception)) {
      return {
        code: ErrorCode.InvalidRequest,
        message:
          'A value is out of range or holds a character (such as NUL) that cannot be stored; nothing was done',
      };
    }
    if (isDatabaseDown(exception)) {
      return {
        code: ErrorCode.DatabaseUnavailable,
        message: 'The database is unavailable; nothing was done',
      };
    }
    return { code: ErrorCode.Internal, message: 'Internal error' };
  }
}

function validationBody(exception: BadRequestException): ErrorBody {
  const response = exception.getResponse();
  const messages =
    typeof response === 'object' && response !== null && 'message' in response
      ? ([] as unknown[]).concat((response as { message: unknown }).message).map(String)
      : [exception.message];
  return {
    code: ErrorCode.InvalidRequest,
    message: messages.join('; '),
    details: { problems: messages },
  };
}

function httpBody(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const code =
    status === 401
      ? ErrorCode.Unauthenticated
      : status === 403
        ? ErrorCode.Forbidden
        : status === 404
          ? ErrorCode.NotFound
          : status === 413
            ? ErrorCode.PayloadTooLarge
            : status === 415
              ? ErrorCode.UnsupportedMediaType
              : status < 500
                ? ErrorCode.InvalidRequest
                : ErrorCode.Internal;
  const message =
    status === 404 ? 'No such route' : status < 500 ? exception.message : 'Internal error';
  return { code, message };
}

/** Errors Fastify raises while reading the body, before any handler runs. */
function fastifyBody(exception: unknown): ErrorBody | undefined {
  if (exception instanceof JsonBodyError) {
    return { code: ErrorCode.InvalidRequest, message: exception.message };
  }
  const code = (exception as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        code: ErrorCode.PayloadTooLarge,
        message: 'Request body exceeds the configured limit',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        code: ErrorCode.UnsupportedMediaType,
        message: 'Content-Type must be application/json',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: ErrorCode.InvalidJson, message: 'Request body is empty' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: ErrorCode.InvalidJson, message: 'Request body is not valid JSON' };
    default:
      break;
  }
  if (
    exception instanceof SyntaxError &&
    (exception as { statusCode?: number }).statusCode === 400
  ) {
    return { code: ErrorCode.InvalidJson, message: 'Request body is not valid JSON' };
  }
  return undefined;
}

function isDatabaseDown(exception: unknown): boolean {
  const error = exception as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!error || typeof error !== 'object') return false;
  const driver = (error.driverError ?? error) as { code?: unknown; message?: unknown };
  const code = typeof driver.code === 'string' ? driver.code : '';
  if (DB_DOWN_SQLSTATE.test(code) || DB_DOWN_ERRNO.has(code)) return true;
  const message = typeof driver.message === 'string' ? driver.message : '';
  return /Connection terminated|not currently accepting connections|timeout exceeded when trying to connect|Query read timeout|Cannot use a pool after calling end/i.test(
    message,
  );
}

/** Error class and driver code only: a message could quote user data. */
function describe(exception: unknown): string {
  if (exception instanceof Error) {
    const code = (exception as { code?: unknown }).code;
    return `${exception.constructor.name}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  return typeof exception;
}
