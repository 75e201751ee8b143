import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import path from 'node:path';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

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

  @Transform(toInt)
  @IsInt({ message: 'PII_VAULT_PURGE_INTERVAL_SECONDS must be an integer' })
  @Min(0, { message: 'PII_VAULT_PURGE_INTERVAL_SECONDS must be >= 0 (0 turns purging off)' })
  PII_VAULT_PURGE_INTERVAL_SECONDS: number = 60;

  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  PII_VAULT_BENCH_ENDPOINTS: boolean = false;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose',
  })
  LOG_LEVEL: string = 'log';

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
    'PII_VAULT_BENCH_ENDPOINTS',
    'PII_VAULT_PURGE_INTERVAL_SECONDS',
    'LOG_LEVEL',
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
  return config;
}
