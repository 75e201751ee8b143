import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { SECURITY_HEADERS, helmetHeaders } from './common/security-headers';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './crypto/crypto.module';
import type { MasterKey } from './crypto/master-key';
import { DatabaseModule } from './database/database.module';
import { AllowedHosts } from './config/allowed-hosts';
import { DiscoveryModule } from './discovery/discovery.module';
import { SLICE_SECONDS, TARGET_CONNECT_TIMEOUT_MS } from './discovery/discovery.settings';
import { DetectionHttpModule } from './detection-http/detection-http.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { loggingOptions } from './observability/logging';
import { ObservabilityModule } from './observability/observability.module';
import { TokensModule } from './tokens/tokens.module';

export interface AppRuntime {
  config: AppConfig;
  databaseUrl: string;
  masterKey: MasterKey;
}

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        LoggerModule.forRoot(loggingOptions(runtime.config.LOG_LEVEL)),
        DatabaseModule.forRoot(runtime.databaseUrl, {
          size: runtime.config.PII_VAULT_DB_POOL_SIZE,
          idleSeconds: runtime.config.PII_VAULT_DB_IDLE_TIMEOUT_SECONDS,
        }),
        CryptoModule.forRoot(runtime.masterKey),
        AuditModule,
        AccessModule,
        DetectionHttpModule,
        TokensModule,
        GatewayModule,
        DiscoveryModule.forRoot({
          databaseUrl: runtime.databaseUrl,
          concurrency: runtime.config.PII_VAULT_DISCOVERY_CONCURRENCY,
          detectionThreads: runtime.config.PII_VAULT_DISCOVERY_THREADS,
          sliceSeconds: SLICE_SECONDS,
          pageRows: runtime.config.PII_VAULT_DISCOVERY_PAGE_ROWS,
          statementTimeoutMs: runtime.config.PII_VAULT_DISCOVERY_STATEMENT_TIMEOUT_MS,
          connectTimeoutMs: TARGET_CONNECT_TIMEOUT_MS,
          allowedHosts: AllowedHosts.parse(runtime.config.PII_VAULT_DISCOVERY_ALLOWED_HOSTS),
          pageMaxBytes: runtime.config.PII_VAULT_DISCOVERY_PAGE_MAX_BYTES,
        }),
        HealthModule.forRoot(runtime.masterKey.id),
        ObservabilityModule,
      ],
      providers: [{ provide: SECURITY_HEADERS, useFactory: helmetHeaders }],
    };
  }
}
