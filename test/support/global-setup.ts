import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/**
 * e2e tests need a real PostgreSQL server: the one DATABASE_URL names, or an embedded one started
 * here in a throwaway directory. Tests read its URL from TEST_DATABASE_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-test-'));
  fs.chmodSync(dataDir, 0o711);
  const db = await startEmbeddedPostgres(dataDir);
  process.env.TEST_DATABASE_URL = db.superuserUrl;
  process.env.TEST_PG_DATA_DIR = dataDir;
  (
    globalThis as { __piiVaultTestDb?: { stop(): Promise<void>; dataDir: string } }
  ).__piiVaultTestDb = {
    stop: db.stop,
    dataDir,
  };
}
