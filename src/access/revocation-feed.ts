import { Injectable, Logger } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

export interface RevocationHandlers {
  revoked(keyId: string): void;
  lost(): void;
}

const CHANNEL = 'pii_vault_api_key_revoked';
const RECONNECT_MS = 1000;

/**
 * Revocations as PostgreSQL notifications: `announce` sends a key id on a channel every process
 * LISTENs on through one dedicated connection. `live` is false until that connection listens and
 * again from the moment it fails, so callers can stop trusting what they cached meanwhile.
 */
@Injectable()
export class RevocationFeed {
  private readonly logger = new Logger('RevocationFeed');
  private client?: PoolClient;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private handlers?: RevocationHandlers;
  live = false;

  constructor(private readonly db: DataSource) {}

  /**
   * `revoked` gets each revoked key id; `lost` is called the moment the feed fails, so whatever
   * was cached while notices could go missing is dropped at once, not on the next request.
   */
  async start(handlers: RevocationHandlers): Promise<void> {
    this.stopped = false;
    this.handlers = handlers;
    await this.listen();
  }

  async announce(keyId: string): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [CHANNEL, keyId]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    client?.release(true);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      const pool = (this.db.driver as unknown as { master: Pool }).master;
      const client = await pool.connect();
      client.on('notification', (message) => {
        if (message.channel === CHANNEL && message.payload) this.handlers?.revoked(message.payload);
      });
      client.on('error', () => this.lost(client));
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.live = true;
    } catch (error) {
      this.logger.warn(`Cannot listen for key revocations (${(error as Error).name}); retrying`);
      this.scheduleRetry();
    }
  }

  private lost(client: PoolClient): void {
    if (this.client !== client) return;
    this.live = false;
    this.client = undefined;
    this.handlers?.lost();
    client.release(true);
    this.logger.warn('Lost the key revocation feed; cached keys are re-verified until it is back');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.listen(), RECONNECT_MS);
    this.retry.unref();
  }
}
