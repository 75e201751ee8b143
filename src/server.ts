import { LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiKeysService } from './access/api-keys.service';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { ErrorCode } from './common/errors';
import { ApiExceptionFilter } from './common/exception.filter';
import { resolveMasterKey } from './crypto/master-key';
import { runMigrations } from './database/data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';

export interface RunningServer {
  address: string;
  close(): Promise<void>;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Where the data lives: the configured server, or an embedded one under the data dir. */
export async function connectDatabase(
  config: AppConfig,
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  const embedded = await startEmbeddedPostgres(config.dataDir);
  return { url: embedded.url, embedded };
}

/** Bodies are JSON only: anything else is refused with 415 before routing. */
function requireJsonBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const length = request.headers['content-length'];
      const hasBody =
        (length !== undefined && length !== '0') ||
        request.headers['transfer-encoding'] !== undefined;
      const type = request.headers['content-type'] ?? '';
      if (!hasBody || /^application\/json\b/i.test(type) || request.method === 'GET') return done();
      void reply
        .status(415)
        .send({
          error: {
            code: ErrorCode.UnsupportedMediaType,
            message: 'Content-Type must be application/json',
          },
        });
    });
}

export async function startServer(config: AppConfig): Promise<RunningServer> {
  const masterKey = resolveMasterKey(config);
  const { url, embedded } = await connectDatabase(config);
  try {
    await runMigrations(url);
    const adapter = new FastifyAdapter({ bodyLimit: config.PII_VAULT_BODY_LIMIT_BYTES });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, databaseUrl: url, masterKey }),
      adapter,
      { logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL as LogLevel) + 1) },
    );
    app.useGlobalPipes(
      new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        validationError: { target: false, value: false },
      }),
    );
    app.useGlobalFilters(new ApiExceptionFilter());
    requireJsonBodies(app);
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
    return {
      address: await app.getUrl(),
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
