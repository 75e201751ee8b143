import { BadRequestException, DynamicModule, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import fs from 'node:fs';
import type { FastifyReply } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { SecureServerOptions } from 'node:http2';
import { ApiKeysService } from './access/api-keys.service';
import { AppModule } from './app.module';
import { AppConfig, ConfigError, TrustProxy } from './config/app-config';
import { ErrorCode, statusFor, VaultError } from './common/errors';
import { handleClientError } from './common/client-error';
import { parseJsonBody } from './common/json-body';
import { validationMessages } from './common/safe-name';
import { ApiExceptionFilter } from './common/exception.filter';
import { SECURITY_HEADERS, type SecurityHeaders } from './common/security-headers';
import { resolveMasterKey } from './crypto/master-key';
import { runMigrations } from './database/data-source';
import { connectDatabase } from './database/connect';
import { CONVERSATION_HEADER } from './gateway/gateway.controller';
import { instrumentHttp } from './observability/http-instrumentation';
import { MetricsService } from './observability/metrics.service';
import { REQUEST_ID_HEADER, requestIdFrom } from './observability/request-id';

export interface RunningServer {
  address: string;
  close(): Promise<void>;
}

/** A URL Fastify could not route: too long a parameter (414) or malformed encoding (400). */
function frameworkErrorBody(error: { code?: string }): { code: ErrorCode; message: string } {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return { code: ErrorCode.UriTooLong, message: 'A path parameter of the URL is too long' };
  }
  return { code: ErrorCode.InvalidRequest, message: 'The URL is malformed' };
}

/**
 * Bodies are JSON only: anything else is refused with 415 before routing. The hook fails the
 * request with a VaultError; Fastify hands it to Nest's error handler and so to the exception filter.
 */
function requireJsonBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      const length = request.headers['content-length'];
      const hasBody =
        (length !== undefined && length !== '0') ||
        request.headers['transfer-encoding'] !== undefined;
      const type = request.headers['content-type'] ?? '';
      if (!hasBody || /^application\/json\b/i.test(type) || request.method === 'GET') return done();
      done(new VaultError(ErrorCode.UnsupportedMediaType, 'Content-Type must be application/json'));
    });
}

/**
 * A NUL (%00) anywhere in the path or query is refused before routing: PostgreSQL cannot store
 * it, and no name, id or filter of ours holds one. Bodies are checked by parseJsonBody.
 */
function refuseNulInUrl(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (!/%00/i.test(request.url)) return done();
      void reply.status(400).send({
        error: {
          code: ErrorCode.InvalidRequest,
          message: 'The URL contains a NUL character (%00)',
        },
      });
    });
}

/** With TLS_CERT_FILE and TLS_KEY_FILE: HTTPS only; with TLS_CLIENT_CA_FILE too: mTLS. */
export function tlsOptions(config: AppConfig): SecureServerOptions | undefined {
  if (!config.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined;
  const ca = config.TLS_CLIENT_CA_FILE
    ? readTlsFile('TLS_CLIENT_CA_FILE', config.TLS_CLIENT_CA_FILE)
    : undefined;
  return {
    cert: readTlsFile('TLS_CERT_FILE', config.TLS_CERT_FILE),
    key: readTlsFile('TLS_KEY_FILE', config.TLS_KEY_FILE),
    minVersion: 'TLSv1.2',
    // A client without a certificate from this CA fails the handshake: no HTTP is spoken.
    ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
  };
}

function readTlsFile(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  - ${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Security headers on every response; CORS only for the origins in CORS_ORIGINS. */
function secureHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const headers = app.get<SecurityHeaders>(SECURITY_HEADERS);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      void reply.headers(headers);
      done();
    });
  if (!config.CORS_ORIGINS) return;
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim());
  app.enableCors({
    origin: origins.includes('*') ? true : origins,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', REQUEST_ID_HEADER, CONVERSATION_HEADER],
    exposedHeaders: [REQUEST_ID_HEADER, 'retry-after'],
    maxAge: 600,
  });
}

/** Fastify's trustProxy for a hop count (as Fastify itself reads a number) or a proxy list. */
function trustedProxies(
  setting: TrustProxy,
): boolean | string[] | ((_: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

/** Builds the application from the root module on the adapter, before anything is mounted. */
export type AppFactory = (
  root: DynamicModule,
  adapter: FastifyAdapter,
) => Promise<NestFastifyApplication>;

const createApp: AppFactory = (root, adapter) =>
  NestFactory.create<NestFastifyApplication>(root, adapter, { bufferLogs: true });

/**
 * Connects, migrates and serves. `build` makes the Nest application: main.ts takes the default;
 * other programs (the benchmark) can pass one that compiles the module with providers replaced.
 */
export async function startServer(
  config: AppConfig,
  build: AppFactory = createApp,
): Promise<RunningServer> {
  const masterKey = resolveMasterKey(config);
  const https = tlsOptions(config);
  const { url, embedded } = await connectDatabase(config);
  try {
    await runMigrations(url);
    const adapter = new FastifyAdapter({
      bodyLimit: config.PII_VAULT_BODY_LIMIT_BYTES,
      // Every log line of a request carries this id: the caller's X-Request-Id when plain.
      requestIdHeader: false,
      // Behind proxies the client address comes from X-Forwarded-For, trusting only the
      // configured hops (failed-auth throttling): the entries a client wrote itself are ignored.
      trustProxy: trustedProxies(config.TRUST_PROXY),
      genReqId: (request: IncomingMessage) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
      // Errors Fastify raises before routing answer in our shape, never echoing the URL.
      frameworkErrors: (error: { code?: string }, _request: unknown, reply: FastifyReply) => {
        const body = frameworkErrorBody(error);
        void reply.status(statusFor(body.code)).send({ error: body });
      },
      // Requests Node cannot parse (431 header fields too large, 408, 400) in our shape too.
      clientErrorHandler: handleClientError,
      ...(https ? { https } : {}),
    });
    const app = await build(AppModule.forRoot({ config, databaseUrl: url, masterKey }), adapter);
    app.useLogger(app.get(Logger));
    app.useBodyParser(
      'application/json',
      { bodyLimit: config.PII_VAULT_BODY_LIMIT_BYTES },
      (_request: unknown, body: Buffer, done: (error: Error | null, parsed?: unknown) => void) => {
        let parsed: unknown;
        try {
          parsed = parseJsonBody(body.toString('utf8'));
        } catch (error) {
          return done(error as Error);
        }
        done(null, parsed);
      },
    );
    instrumentHttp(app, { metrics: app.get(MetricsService), log: PinoLogger.root });
    secureHeaders(app, config);
    app.useGlobalPipes(
      // Handlers get the validated DTO instance: query strings are turned into numbers by the
      // DTO's own @Type, once, here (no implicit conversion: a body's 1 stays no string).
      new ValidationPipe({
        transform: true,
        transformOptions: { enableImplicitConversion: false },
        whitelist: true,
        forbidNonWhitelisted: true,
        validationError: { target: false, value: false },
        // Unknown property names are the caller's text (possibly PII): never echoed as given.
        exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
      }),
    );
    app.useGlobalFilters(new ApiExceptionFilter());
    requireJsonBodies(app);
    refuseNulInUrl(app);
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('PII Vault')
        .setDescription('Detect, tokenize and detokenize PII/PHI in front of model calls')
        .setVersion('0.1.0')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
    await app.get(ApiKeysService).bootstrapAdminKey();
    await app.listen(config.PORT, config.HOST);
    const address = await app.getUrl();
    return {
      address: https ? address.replace(/^http:/, 'https:') : address,
      close: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
