#!/usr/bin/env node
import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import fs from 'node:fs';
import { AccessModule } from '../access/access.module';
import { ApiKeysService } from '../access/api-keys.service';
import { TenantsService } from '../access/tenants.service';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { CryptoModule } from '../crypto/crypto.module';
import { KeyringService } from '../crypto/keyring.service';
import { resolveMasterKey } from '../crypto/master-key';
import { runMigrations } from '../database/data-source';
import { DatabaseModule } from '../database/database.module';
import { AllowedHosts } from '../config/allowed-hosts';
import { TARGET_CONNECT_TIMEOUT_MS } from '../discovery/discovery.settings';
import { scanDatabase } from '../discovery/local-scan';
import { findingsCsv } from '../discovery/report-csv';
import { connectDatabase } from '../database/connect';

/** Runs `work` with the same services the HTTP API uses, on the configured or embedded database. */
async function withServices<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const masterKey = resolveMasterKey(config);
  const { url, embedded } = await connectDatabase(config);
  try {
    await runMigrations(url);
    @Module({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(url, { size: 2, idleSeconds: 0 }),
        CryptoModule.forRoot(masterKey),
        AccessModule,
      ],
    })
    class CliModule {}
    const app = await NestFactory.createApplicationContext(CliModule, {
      logger: ['error', 'warn'],
    });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

const program = new Command('pii-vault').description('PII Vault command line');

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config: AppConfig = loadConfig();
    const { url, embedded } = await connectDatabase(config);
    try {
      const applied = await runMigrations(url);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date');
    } finally {
      await embedded?.stop();
    }
  });

const apiKeys = program.command('api-keys').description('manage API keys');
apiKeys
  .command('create')
  .requiredOption('--name <name>', 'a label for the key')
  .requiredOption('--roles <roles>', 'comma-separated role names, e.g. detokenizer,support')
  .option('--tenant <tenant>', 'tenant name', 'default')
  .action(async (options: { name: string; roles: string; tenant: string }) => {
    const roles = options.roles
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const created = await withServices((app) =>
      app.get(ApiKeysService).create({ name: options.name, roles, tenant: options.tenant }),
    );
    console.log(
      `id:     ${created.id}\ntenant: ${created.tenant}\nroles:  ${created.roles.join(', ')}`,
    );
    console.log(`key:    ${created.key}\n(shown once: store it now)`);
  });
apiKeys
  .command('list')
  .option('--tenant <tenant>', 'tenant name', 'default')
  .action(async (options: { tenant: string }) => {
    const keys = await withServices(async (app) =>
      app.get(ApiKeysService).list(await app.get(TenantsService).ensure(options.tenant)),
    );
    console.table(keys);
  });
apiKeys.command('revoke <id>').action(async (id: string) => {
  const revoked = await withServices((app) => app.get(ApiKeysService).revoke(id, undefined));
  console.log(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt}`);
});

program
  .command('rotate-data-key')
  .description('add a new data-key version for a tenant; older versions keep decrypting')
  .option('--tenant <tenant>', 'tenant name', 'default')
  .action(async (options: { tenant: string }) => {
    const version = await withServices(async (app) =>
      app.get(KeyringService).rotateDataKey(await app.get(TenantsService).ensure(options.tenant)),
    );
    console.log(`tenant ${options.tenant}: data key version ${version} now encrypts new values`);
  });

const positiveInt = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
};
const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

program
  .command('scan <url>')
  .description('scan a PostgreSQL database (read-only) and print which columns hold PII')
  .option('--mode <mode>', 'sample (rows per table) or full (every row)', 'sample')
  .option('--sample-rows <n>', 'rows per table in sample mode', positiveInt, 1000)
  .option('--schemas <list>', 'comma-separated schemas (default: all but system)', list)
  .option('--tables <list>', 'comma-separated tables (name or schema.name)', list)
  .option('--all', 'list every column, not only those classified as PII')
  .option('--csv <file>', 'also write the findings as CSV to this file')
  .action(
    async (
      url: string,
      options: {
        mode: string;
        sampleRows: number;
        schemas?: string[];
        tables?: string[];
        all?: boolean;
        csv?: string;
      },
    ) => {
      if (options.mode !== 'sample' && options.mode !== 'full')
        throw new InvalidArgumentError('--mode must be sample or full');
      const config = loadConfig();
      const bar = new SingleBar(
        {
          format:
            'scanning |{bar}| {percentage}% | {value}/{total} rows | tables {tables} | {table}',
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(1, 0, { tables: '0/?', table: '' });
      let findings;
      try {
        findings = await scanDatabase(
          url,
          {
            mode: options.mode,
            sampleRows: options.sampleRows,
            pageRows: config.PII_VAULT_DISCOVERY_PAGE_ROWS,
            statementTimeoutMs: config.PII_VAULT_DISCOVERY_STATEMENT_TIMEOUT_MS,
            connectTimeoutMs: TARGET_CONNECT_TIMEOUT_MS,
            pageMaxBytes: config.PII_VAULT_DISCOVERY_PAGE_MAX_BYTES,
            // The operator types this URL on the service's machine: the allow-list, which
            // guards URLs sent over the API, does not apply; the URL's checks still do.
            allowedHosts: AllowedHosts.any(),
            schemas: options.schemas,
            tables: options.tables,
          },
          (p) => {
            bar.setTotal(Math.max(p.rowsExpected, p.rowsScanned, 1));
            bar.update(p.rowsScanned, {
              tables: `${p.tablesDone}/${p.tablesTotal}`,
              table: `${p.table.schema}.${p.table.table}`,
            });
          },
        );
      } finally {
        bar.stop();
      }
      const shown = options.all ? findings : findings.filter((f) => f.classification !== null);
      console.table(
        shown.map((f) => ({
          column: `${f.schema}.${f.table}.${f.column}`,
          type: f.dataType,
          classification: f.classification ?? '',
          confidence: f.confidence,
          entities: f.entities.map((e) => `${e.type} ${Math.round(e.ratio * 100)}%`).join(', '),
          note: f.note ?? '',
        })),
      );
      const flagged = findings.filter((f) => f.classification !== null).length;
      console.log(`${flagged} of ${findings.length} columns hold PII`);
      if (options.csv) fs.writeFileSync(options.csv, findingsCsv(findings));
    },
  );

program.parseAsync().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError || error instanceof Error ? error.message : String(error),
  );
  process.exit(1);
});
