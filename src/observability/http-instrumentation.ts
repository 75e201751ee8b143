import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { logRequest } from './logging';
import { MetricsService } from './metrics.service';
import { attachRequestContext, requestContextOf, UNMATCHED_ROUTE } from './request-context';
import { REQUEST_ID_HEADER } from './request-id';

export interface HttpInstruments {
  /** Request counts and latency. */
  metrics: MetricsService;
  /** Where the request line goes (at LOG_LEVEL). */
  log: Logger;
}

/**
 * Fastify hooks around every request: return its id, note the route template as routing found
 * it, and on response write the request line and count the request and its latency under that
 * template (never the path).
 */
export function instrumentHttp(app: NestFastifyApplication, instruments: HttpInstruments): void {
  const { metrics, log } = instruments;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    attachRequestContext(request.raw, request.routeOptions.url);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const elapsedMs = reply.elapsedTime;
    logRequest(log, request, reply.statusCode, elapsedMs);
    const route = requestContextOf(request.raw)?.route ?? UNMATCHED_ROUTE;
    metrics.observeRequest(request.method, route, reply.statusCode, elapsedMs / 1000);
    done();
  });
}
