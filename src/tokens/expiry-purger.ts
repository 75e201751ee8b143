import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { VaultRepository } from './vault.repository';

/** Periodically drops the ciphertext of expired vault entries; their tokens answer "expired". */
@Injectable()
export class ExpiryPurger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ExpiryPurger');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly vault: VaultRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const seconds = this.config.PII_VAULT_PURGE_INTERVAL_SECONDS;
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.purge(), seconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    try {
      for (let purged = -1; purged !== 0; total += purged) purged = await this.vault.purgeExpired();
      if (total > 0) this.logger.log(`purged ciphertext of ${total} expired vault entries`);
    } catch (error) {
      this.logger.warn(
        `purge failed (${(error as { code?: string }).code ?? 'error'}); will retry`,
      );
    } finally {
      this.running = false;
    }
    return total;
  }
}
