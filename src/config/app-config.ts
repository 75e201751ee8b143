import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { isIP } from 'node:net';
import path from 'node:path';
import { AllowedHosts } from './allowed-hosts';
import { trustProxyBreadthProblem } from './trust-proxy';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** false: the socket's address; a number: that many proxy hops; a list: those proxies. */
export type TrustProxy = false | number | string[];

/** Parses TRUST_PROXY; anything it cannot read is left as is, so validation names it. */
function toTrustProxy({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'false' || text === '0') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((e) => e.trim());
  return entries.length > 0 && entries.every(isAddressOrCidr) ? entries : value;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export const DEFAULT_GATEWAY_INSTRUCTION =
  'Some values in this conversation are replaced by placeholders of the form [TYPE_ID] in ' +
  'square brackets. Copy every placeholder exactly as written, brackets and capitals ' +
  'included, wherever you refer to that value; never change, translate, explain or ' +
  'complete them.';

/** Every environment variable the service reads, validated once at start-up. */
export class AppConfig {
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 0 and 65535' })
  PORT: number = 8080;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  PII_VAULT_DATA_DIR: string = './.data';

  @IsOptional()
  @IsBase64({}, { message: 'PII_VAULT_MASTER_KEY must be base64 of 32 bytes' })
  PII_VAULT_MASTER_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'PII_VAULT_BOOTSTRAP_ADMIN_KEY must be at least 24 characters' })
  PII_VAULT_BOOTSTRAP_ADMIN_KEY?: string;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_BODY_LIMIT_BYTES must be an integer' })
  @Min(1024, { message: 'PII_VAULT_BODY_LIMIT_BYTES must be at least 1024' })
  PII_VAULT_BODY_LIMIT_BYTES: number = 1024 * 1024;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_API_KEY_CACHE_SECONDS must be an integer' })
  @Min(0, { message: 'PII_VAULT_API_KEY_CACHE_SECONDS must be >= 0' })
  @Max(3600, { message: 'PII_VAULT_API_KEY_CACHE_SECONDS must be <= 3600' })
  PII_VAULT_API_KEY_CACHE_SECONDS: number = 60;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DB_POOL_SIZE must be an integer' })
  @Min(1, { message: 'PII_VAULT_DB_POOL_SIZE must be >= 1' })
  @Max(200, { message: 'PII_VAULT_DB_POOL_SIZE must be <= 200' })
  PII_VAULT_DB_POOL_SIZE: number = 16;

  /**
   * Seconds a pooled database connection may sit idle before it is closed; 0 (the default) keeps
   * the pool's connections open. Reopening one (a backend fork and SCRAM authentication) holds up
   * the requests that arrive when load rises again after a lull.
   */
  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DB_IDLE_TIMEOUT_SECONDS must be an integer' })
  @Min(0, { message: 'PII_VAULT_DB_IDLE_TIMEOUT_SECONDS must be >= 0 (0 keeps connections open)' })
  @Max(86_400, { message: 'PII_VAULT_DB_IDLE_TIMEOUT_SECONDS must be <= 86400' })
  PII_VAULT_DB_IDLE_TIMEOUT_SECONDS: number = 0;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_PURGE_INTERVAL_SECONDS must be an integer' })
  @Min(0, { message: 'PII_VAULT_PURGE_INTERVAL_SECONDS must be >= 0 (0 turns purging off)' })
  PII_VAULT_PURGE_INTERVAL_SECONDS: number = 60;

  @IsIn(['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose', 'trace', 'silent'], {
    message:
      'LOG_LEVEL must be one of fatal, error, warn, log (= info), debug, verbose (= trace), silent',
  })
  LOG_LEVEL: string = 'log';

  /**
   * Behind reverse proxies: which hops of X-Forwarded-For to trust when finding the client address
   * (for failed-authentication throttling), as Fastify's trustProxy takes it: a hop count, or the
   * proxies' addresses and CIDRs. Never "trust every hop": the leftmost entry is the client's own.
   */
  @Transform(toTrustProxy)
  @ValidateIf((_, value) => value !== false && !Array.isArray(value))
  @IsInt({
    message:
      'TRUST_PROXY must be false, a hop count (1-10), or a comma-separated list of proxy IPs/CIDRs',
  })
  @Min(1, { message: 'TRUST_PROXY hop count must be between 1 and 10' })
  @Max(10, { message: 'TRUST_PROXY hop count must be between 1 and 10' })
  TRUST_PROXY: TrustProxy = false;

  /** Comma-separated origins allowed by CORS; unset means CORS stays off. */
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s):// origins',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'PII_VAULT_METRICS_TOKEN must be at least 16 characters' })
  PII_VAULT_METRICS_TOKEN?: string;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_RATE_LIMIT_PER_MINUTE must be an integer (0 turns limits off)' })
  @Min(0, { message: 'PII_VAULT_RATE_LIMIT_PER_MINUTE must be >= 0 (0 turns limits off)' })
  PII_VAULT_RATE_LIMIT_PER_MINUTE: number = 6000;

  @IsIn(['memory', 'postgres'], {
    message: 'PII_VAULT_RATE_LIMIT_STORE must be memory or postgres',
  })
  PII_VAULT_RATE_LIMIT_STORE: 'memory' | 'postgres' = 'memory';

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_AUTH_FAILURES_PER_MINUTE must be an integer' })
  @Min(1, { message: 'PII_VAULT_AUTH_FAILURES_PER_MINUTE must be >= 1' })
  PII_VAULT_AUTH_FAILURES_PER_MINUTE: number = 30;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_REVEAL_BUDGET_PER_HOUR must be an integer' })
  @Min(1, { message: 'PII_VAULT_REVEAL_BUDGET_PER_HOUR must be >= 1' })
  PII_VAULT_REVEAL_BUDGET_PER_HOUR: number = 10000;

  /** Role names keys may hold besides admin, operator and the roles a tenant's policies name. */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,31}(\s*,\s*[a-z][a-z0-9_-]{0,31})*$/, {
    message:
      'PII_VAULT_ROLES must be a comma-separated list of role names (^[a-z][a-z0-9_-]{0,31}$)',
  })
  PII_VAULT_ROLES?: string;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_MAX_VALUES_PER_REQUEST must be an integer' })
  @Min(1, { message: 'PII_VAULT_MAX_VALUES_PER_REQUEST must be >= 1' })
  PII_VAULT_MAX_VALUES_PER_REQUEST: number = 1000;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_MAX_TOKENS_PER_REQUEST must be an integer' })
  @Min(1, { message: 'PII_VAULT_MAX_TOKENS_PER_REQUEST must be >= 1' })
  PII_VAULT_MAX_TOKENS_PER_REQUEST: number = 1000;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DETECT_OFFLOAD_BYTES must be an integer' })
  @Min(0, { message: 'PII_VAULT_DETECT_OFFLOAD_BYTES must be >= 0 (0 offloads every text)' })
  PII_VAULT_DETECT_OFFLOAD_BYTES: number = 32 * 1024;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DETECT_THREADS must be an integer' })
  @Min(0, { message: 'PII_VAULT_DETECT_THREADS must be >= 0 (0 detects on the event loop)' })
  @Max(64, { message: 'PII_VAULT_DETECT_THREADS must be <= 64' })
  PII_VAULT_DETECT_THREADS: number = 1;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR must be an integer' })
  @Min(1, { message: 'PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR must be >= 1' })
  PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR: number = 200;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'PII_VAULT_ALERT_WEBHOOK_URL must be an http(s):// URL' })
  PII_VAULT_ALERT_WEBHOOK_URL?: string;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DISCOVERY_CONCURRENCY must be an integer' })
  @Min(0, { message: 'PII_VAULT_DISCOVERY_CONCURRENCY must be >= 0 (0 runs no scans here)' })
  @Max(32, { message: 'PII_VAULT_DISCOVERY_CONCURRENCY must be <= 32' })
  PII_VAULT_DISCOVERY_CONCURRENCY: number = 2;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DISCOVERY_THREADS must be an integer' })
  @Min(1, { message: 'PII_VAULT_DISCOVERY_THREADS must be >= 1' })
  @Max(64, { message: 'PII_VAULT_DISCOVERY_THREADS must be <= 64' })
  PII_VAULT_DISCOVERY_THREADS: number = 2;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DISCOVERY_PAGE_ROWS must be an integer' })
  @Min(1, { message: 'PII_VAULT_DISCOVERY_PAGE_ROWS must be >= 1' })
  @Max(100_000, { message: 'PII_VAULT_DISCOVERY_PAGE_ROWS must be <= 100000' })
  PII_VAULT_DISCOVERY_PAGE_ROWS: number = 5000;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DISCOVERY_STATEMENT_TIMEOUT_MS must be an integer' })
  @Min(100, { message: 'PII_VAULT_DISCOVERY_STATEMENT_TIMEOUT_MS must be >= 100' })
  PII_VAULT_DISCOVERY_STATEMENT_TIMEOUT_MS: number = 30_000;

  /**
   * Hosts discovery scans may connect to: comma-separated host names, IP addresses and CIDR
   * ranges. Unset or empty: every target is refused. Checked again in loadConfig.
   */
  @IsOptional()
  @IsString()
  PII_VAULT_DISCOVERY_ALLOWED_HOSTS?: string;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_DISCOVERY_PAGE_MAX_BYTES must be an integer' })
  @Min(65_536, { message: 'PII_VAULT_DISCOVERY_PAGE_MAX_BYTES must be >= 65536' })
  @Max(1024 * 1024 * 1024, { message: 'PII_VAULT_DISCOVERY_PAGE_MAX_BYTES must be <= 1073741824' })
  PII_VAULT_DISCOVERY_PAGE_MAX_BYTES: number = 32 * 1024 * 1024;

  /** The OpenAI-compatible API the gateway forwards to, e.g. https://api.openai.com/v1. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/, {
    message: 'PII_VAULT_UPSTREAM_URL must be an http(s):// base URL without query or fragment',
  })
  PII_VAULT_UPSTREAM_URL?: string;

  @IsOptional()
  @IsString()
  PII_VAULT_UPSTREAM_API_KEY?: string;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_UPSTREAM_TIMEOUT_MS must be an integer' })
  @Min(100, { message: 'PII_VAULT_UPSTREAM_TIMEOUT_MS must be >= 100' })
  @Max(600_000, { message: 'PII_VAULT_UPSTREAM_TIMEOUT_MS must be <= 600000' })
  PII_VAULT_UPSTREAM_TIMEOUT_MS: number = 60_000;

  /**
   * Hosts a tenant admin may set as the tenant's own upstream: comma-separated host names, IP
   * addresses and CIDR ranges (names match by name). Unset or empty: no tenant may set one.
   */
  @IsOptional()
  @IsString()
  PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS?: string;

  /** The system instruction the gateway adds when a request holds placeholders; `off` adds none. */
  @IsString()
  @MinLength(1)
  PII_VAULT_GATEWAY_INSTRUCTION: string = DEFAULT_GATEWAY_INSTRUCTION;

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_CONVERSATION_TTL_SECONDS must be an integer' })
  @Min(60, { message: 'PII_VAULT_CONVERSATION_TTL_SECONDS must be >= 60' })
  @Max(30 * 86_400, { message: 'PII_VAULT_CONVERSATION_TTL_SECONDS must be <= 2592000 (30 days)' })
  PII_VAULT_CONVERSATION_TTL_SECONDS: number = 86_400;

  /** Tokens one gateway conversation remembers; past it, the ones sent longest ago are dropped. */
  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_CONVERSATION_MAX_TOKENS must be an integer' })
  @Min(100, { message: 'PII_VAULT_CONVERSATION_MAX_TOKENS must be >= 100' })
  @Max(1_000_000, { message: 'PII_VAULT_CONVERSATION_MAX_TOKENS must be <= 1000000' })
  PII_VAULT_CONVERSATION_MAX_TOKENS: number = 5_000;

  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_CLIENT_CA_FILE?: string;

  /** PII_VAULT_ROLES as a list. */
  get declaredRoles(): string[] {
    return this.PII_VAULT_ROLES ? this.PII_VAULT_ROLES.split(',').map((r) => r.trim()) : [];
  }

  get dataDir(): string {
    return path.resolve(this.PII_VAULT_DATA_DIR);
  }
}

export class ConfigError extends Error {}

/** Parses the environment into a validated AppConfig, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = [
    'PORT',
    'HOST',
    'DATABASE_URL',
    'PII_VAULT_DATA_DIR',
    'PII_VAULT_MASTER_KEY',
    'PII_VAULT_BOOTSTRAP_ADMIN_KEY',
    'PII_VAULT_BODY_LIMIT_BYTES',
    'PII_VAULT_API_KEY_CACHE_SECONDS',
    'PII_VAULT_DB_POOL_SIZE',
    'PII_VAULT_DB_IDLE_TIMEOUT_SECONDS',
    'PII_VAULT_PURGE_INTERVAL_SECONDS',
    'LOG_LEVEL',
    'CORS_ORIGINS',
    'PII_VAULT_METRICS_TOKEN',
    'PII_VAULT_RATE_LIMIT_PER_MINUTE',
    'PII_VAULT_RATE_LIMIT_STORE',
    'PII_VAULT_AUTH_FAILURES_PER_MINUTE',
    'PII_VAULT_REVEAL_BUDGET_PER_HOUR',
    'PII_VAULT_ALERT_WEBHOOK_URL',
    'PII_VAULT_ROLES',
    'PII_VAULT_MAX_VALUES_PER_REQUEST',
    'PII_VAULT_MAX_TOKENS_PER_REQUEST',
    'PII_VAULT_DETECT_OFFLOAD_BYTES',
    'PII_VAULT_DETECT_THREADS',
    'PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR',
    'TLS_CERT_FILE',
    'TLS_KEY_FILE',
    'TLS_CLIENT_CA_FILE',
    'TRUST_PROXY',
    'PII_VAULT_DISCOVERY_CONCURRENCY',
    'PII_VAULT_DISCOVERY_THREADS',
    'PII_VAULT_DISCOVERY_PAGE_ROWS',
    'PII_VAULT_DISCOVERY_STATEMENT_TIMEOUT_MS',
    'PII_VAULT_DISCOVERY_ALLOWED_HOSTS',
    'PII_VAULT_DISCOVERY_PAGE_MAX_BYTES',
    'PII_VAULT_UPSTREAM_URL',
    'PII_VAULT_UPSTREAM_API_KEY',
    'PII_VAULT_UPSTREAM_TIMEOUT_MS',
    'PII_VAULT_GATEWAY_INSTRUCTION',
    'PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS',
    'PII_VAULT_CONVERSATION_TTL_SECONDS',
    'PII_VAULT_CONVERSATION_MAX_TOKENS',
  ] as const satisfies readonly (keyof AppConfig)[];
  const picked: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const config = plainToInstance(AppConfig, picked);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) =>
      Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
    );
    throw new ConfigError(`Invalid configuration:\n  - ${lines.join('\n  - ')}`);
  }
  if (
    config.PII_VAULT_MASTER_KEY &&
    Buffer.from(config.PII_VAULT_MASTER_KEY, 'base64').length !== 32
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  - PII_VAULT_MASTER_KEY must be base64 of 32 bytes',
    );
  }
  try {
    AllowedHosts.parse(config.PII_VAULT_DISCOVERY_ALLOWED_HOSTS);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  - PII_VAULT_DISCOVERY_ALLOWED_HOSTS: ${(error as Error).message}`,
    );
  }
  try {
    AllowedHosts.parse(config.PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  - PII_VAULT_GATEWAY_ALLOWED_UPSTREAMS: ${(error as Error).message}`,
    );
  }
  const broad = Array.isArray(config.TRUST_PROXY)
    ? trustProxyBreadthProblem(config.TRUST_PROXY)
    : undefined;
  if (broad) throw new ConfigError(`Invalid configuration:\n  - ${broad}`);
  const problem = tlsConsistency(config);
  if (problem) throw new ConfigError(`Invalid configuration:\n  - ${problem}`);
  return config;
}

/** TLS needs a certificate and its key together; client certificates need both as well. */
function tlsConsistency(config: AppConfig): string | undefined {
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE)) {
    return 'TLS_CERT_FILE and TLS_KEY_FILE must be set together';
  }
  if (config.TLS_CLIENT_CA_FILE && !config.TLS_CERT_FILE) {
    return 'TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE';
  }
  return undefined;
}
