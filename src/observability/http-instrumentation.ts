import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MetricsService } from './metrics.service';
import { attachRequestContext, requestContextOf, UNMATCHED_ROUTE } from './request-context';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * Fastify hooks around every request: return its id, note the route template as routing found
 * it, and on response count the request and its latency under that template (never the path).
 */
export function instrumentHttp(app: NestFastifyApplication, metrics: MetricsService): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    attachRequestContext(request.raw, request.routeOptions.url);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = requestContextOf(request.raw)?.route ?? UNMATCHED_ROUTE;
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
