import type { AppConfig } from '../config/app-config';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';

/** Where the data lives: the configured server, or an embedded one under the data dir. */
export async function connectDatabase(
  config: AppConfig,
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  const embedded = await startEmbeddedPostgres(config.dataDir);
  return { url: embedded.url, embedded };
}
