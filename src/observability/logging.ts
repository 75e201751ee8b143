import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { requestContextOf, UNMATCHED_ROUTE } from './request-context';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

/** LOG_LEVEL accepts Nest's names (log, verbose) and pino's (info, trace). */
const PINO_LEVEL: Record<string, LevelWithSilent> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  info: 'info',
  debug: 'debug',
  verbose: 'trace',
  trace: 'trace',
  silent: 'silent',
};

type RequestWithId = IncomingMessage & { id?: string };

/** The request line: ids, route template, status and duration. No path, header or body. */
function requestLine(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  const context = requestContextOf(req);
  return {
    route: context?.route ?? UNMATCHED_ROUTE,
    status: res.statusCode,
    durationMs: responseTime,
    ...(context?.keyId ? { keyId: context.keyId, tenant: context.tenantId } : {}),
  };
}

/**
 * nestjs-pino options: JSON lines on stdout, one per request. Request and response serializers
 * keep only the request id and method, so no URL, query, header or body can reach a log line;
 * authorization is redacted as well, for any log call that passes headers explicitly.
 */
export function loggingOptions(logLevel: string): Params {
  // Nothing would be written: mount no request-logging middleware at all.
  if (logLevel === 'silent') return { forRoutes: [], pinoHttp: { level: 'silent' } };
  return {
    // nestjs-pino's default route pattern ({/*splat}) matches nothing on Nest 12's Fastify adapter.
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level: PINO_LEVEL[logLevel] ?? 'info',
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization'],
        censor: '[redacted]',
      },
      // Fastify has already chosen the id (see server.ts); this serves only if it had not.
      genReqId: (req: IncomingMessage) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
      serializers: {
        req: (req: RequestWithId) => ({ id: req.id, method: req.method }),
        res: () => undefined,
        err: (err: Error) => ({ type: err.constructor.name }),
      },
      customSuccessObject: (req, res, value: { responseTime: number }) =>
        requestLine(req, res, value.responseTime),
      customErrorObject: (req, res, _error, value: { responseTime: number }) =>
        requestLine(req, res, value.responseTime),
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
    },
  };
}
