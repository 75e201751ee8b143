import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError } from '../config/app-config';

export interface MasterKey {
  key: Buffer;
  /** Non-secret fingerprint stored beside every wrapped key, to detect a wrong master key. */
  id: string;
}

const KEY_FILE = 'master.key';

/**
 * The key-encryption key. From PII_VAULT_MASTER_KEY; in embedded mode only, generated once into
 * the data dir (mode 0600). With an external database and no key, start-up fails.
 */
export function resolveMasterKey(config: AppConfig): MasterKey {
  if (config.PII_VAULT_MASTER_KEY)
    return fromBytes(Buffer.from(config.PII_VAULT_MASTER_KEY, 'base64'));
  if (config.DATABASE_URL) {
    throw new ConfigError(
      'PII_VAULT_MASTER_KEY is required when DATABASE_URL is set (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)',
    );
  }
  const file = path.join(config.dataDir, KEY_FILE);
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`${file} does not hold a base64 32-byte key`);
    return fromBytes(key);
  }
  const key = randomBytes(32);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  new Logger('MasterKey').warn(
    `\n${'!'.repeat(78)}\n` +
      `No PII_VAULT_MASTER_KEY set: generated a master key into ${file}.\n` +
      'Anyone who can read that file and the database can read the vault. For production, set\n' +
      'PII_VAULT_MASTER_KEY from a secret manager and keep it apart from the database.\n' +
      `${'!'.repeat(78)}`,
  );
  return fromBytes(key);
}

function fromBytes(key: Buffer): MasterKey {
  const id = createHmac('sha256', key).update('pii-vault/master-key-id').digest('hex').slice(0, 16);
  return { key, id };
}
