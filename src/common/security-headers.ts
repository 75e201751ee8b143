import fastifyHelmet from '@fastify/helmet';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The headers every response carries (helmet's set), by name. */
export type SecurityHeaders = Readonly<Record<string, string>>;

/** Provider token of the SecurityHeaders that server.ts adds to every response. */
export const SECURITY_HEADERS = Symbol('SecurityHeaders');

/** The API answers JSON; only the Swagger UI at /docs needs scripts, styles and images. */
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: [`'self'`],
      styleSrc: [`'self'`, `'unsafe-inline'`],
      imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
      scriptSrc: [`'self'`, `https: 'unsafe-inline'`],
    },
  },
};

/** Headers every response carries anyway, so not part of what helmet adds. */
const BASE_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
]);

/**
 * The headers helmet sets, computed once on a throwaway Fastify instance: @fastify/helmet builds
 * a new helmet (parsing the CSP) on every request, and with no nonces the result never changes.
 */
export async function helmetHeaders(): Promise<SecurityHeaders> {
  const probe = new FastifyAdapter().getInstance();
  await probe.register(fastifyHelmet, HELMET_OPTIONS);
  probe.get('/', (_request, reply) => reply.send(''));
  const response = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!BASE_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
  }
  return headers;
}
