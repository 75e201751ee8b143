/**
 * The service with a layer taken out, for `npm run bench` to measure what the layer costs: the
 * same AppModule and startServer as `node dist/src/main.js`, compiled as a Nest testing module
 * with providers replaced. Production code has no switch for any of this: only this program
 * builds these variants, and it needs @nestjs/testing, a dev dependency the Docker image prunes.
 *
 * - `audit-off`: AuditService appends to a sink that discards every event (events are still
 *   normalized, as before they would be written).
 * - `ops-off`: no request log lines (LOG_LEVEL=silent), no metrics (HTTP requests, detection
 *   time, token counts), no per-key rate limit, no reveal budget, no security headers. The
 *   failed-authentication throttle stays, as it did under the former switch.
 *
 * Run: node dist/bench/service-variant.js audit-off|ops-off, with the service's environment.
 */
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { AuditSink } from '../src/audit/audit-writer';
import { AuditMac } from '../src/crypto/audit-mac';
import { AuditService } from '../src/audit/audit.service';
import { SECURITY_HEADERS, type SecurityHeaders } from '../src/common/security-headers';
import { loadConfig } from '../src/config/app-config';
import { MetricsService } from '../src/observability/metrics.service';
import { TokenMetrics } from '../src/observability/token-metrics';
import { RequestLimits } from '../src/ratelimit/request-limits';
import { RevealBudget } from '../src/ratelimit/reveal-budget';
import { type AppFactory, startServer } from '../src/server';

export const VARIANTS = ['audit-off', 'ops-off'] as const;
export type Variant = (typeof VARIANTS)[number];

const DISCARDING_SINK: AuditSink = {
  append: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/** Counts nothing; GET /metrics still renders (the pool and vault gauges). */
class NoMetrics extends MetricsService {
  override observeRequest(): void {}
  override observeDetection(): void {}
  override countToken(): void {}
}

class NoTokenMetrics extends TokenMetrics {
  override tokenized(): void {}
  override detokenized(): void {}
}

/** Admits every request; failed authentications are still throttled. */
class NoRequestLimits extends RequestLimits {
  override async admit(): Promise<void> {}
}

class NoRevealBudget extends RevealBudget {
  override async spend(): Promise<void> {}
}

const NO_HEADERS: SecurityHeaders = {};

const OVERRIDES: Record<Variant, (builder: TestingModuleBuilder) => TestingModuleBuilder> = {
  'audit-off': (builder) =>
    builder.overrideProvider(AuditService).useFactory({
      inject: [DataSource, AuditMac],
      factory: (db: DataSource, mac: AuditMac) => new AuditService(db, DISCARDING_SINK, mac),
    }),
  'ops-off': (builder) =>
    builder
      .overrideProvider(MetricsService)
      .useClass(NoMetrics)
      .overrideProvider(TokenMetrics)
      .useClass(NoTokenMetrics)
      .overrideProvider(RequestLimits)
      .useClass(NoRequestLimits)
      .overrideProvider(RevealBudget)
      .useClass(NoRevealBudget)
      .overrideProvider(SECURITY_HEADERS)
      .useValue(NO_HEADERS),
};

function variantFactory(variant: Variant): AppFactory {
  return async (root: DynamicModule, adapter: FastifyAdapter) => {
    const builder = OVERRIDES[variant](Test.createTestingModule({ imports: [root] }));
    const moduleRef = await builder.compile();
    return moduleRef.createNestApplication<NestFastifyApplication>(adapter, { bufferLogs: true });
  };
}

async function main(): Promise<void> {
  const variant = process.argv[2] as Variant;
  if (!VARIANTS.includes(variant)) {
    throw new Error(`usage: service-variant.js ${VARIANTS.join('|')}`);
  }
  const env = variant === 'ops-off' ? { ...process.env, LOG_LEVEL: 'silent' } : process.env;
  const server = await startServer(loadConfig(env), variantFactory(variant));
  console.log(`PII Vault (${variant}) listening on ${server.address}`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
