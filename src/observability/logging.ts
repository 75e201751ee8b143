import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent, Logger } from 'pino';
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

/**
 * nestjs-pino options: JSON lines on stdout, authorization redacted for any log call that passes
 * headers explicitly. No request middleware is mounted (`forRoutes: []`): the request line is
 * written by a Fastify onResponse hook (requestLogLine), which costs a fraction of pino-http
 * plus Nest's middleware layer plus an AsyncLocalStorage context around every request.
 */
export function loggingOptions(logLevel: string): Params {
  const options = {
    level: PINO_LEVEL[logLevel] ?? 'info',
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization'],
      censor: '[redacted]',
    },
    genReqId: (req: IncomingMessage) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method }),
      res: () => undefined,
      err: (err: Error) => ({ type: err.constructor.name }),
    },
  };
  // Synchronous writes to stdout: pino's asynchronous destination measured more service CPU per
  // request (a thread-pool write per line) in npm run bench, not less.
  return { forRoutes: [], pinoHttp: options };
}

/**
 * One line per request: request id and method, route template, status, duration, key and
 * tenant ids. No path, header or body can reach it. 5xx at error, 4xx at warn, else info.
 */
export function logRequest(
  logger: Logger,
  request: { id: string; method: string; raw: IncomingMessage },
  status: number,
  durationMs: number,
): void {
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const context = requestContextOf(request.raw);
  logger[level](
    {
      req: { id: request.id, method: request.method },
      route: context?.route ?? UNMATCHED_ROUTE,
      status,
      durationMs: Math.round(durationMs * 100) / 100,
      ...(context?.keyId ? { keyId: context.keyId, tenant: context.tenantId } : {}),
    },
    status >= 500 ? 'request failed' : 'request completed',
  );
}
