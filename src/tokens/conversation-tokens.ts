import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { selectRows } from '../common/sql';
import { AppConfig } from '../config/app-config';

/** A conversation id as a caller may write it (header or field); anything else is refused. */
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ConversationRef {
  tenantId: string;
  /** A conversation belongs to the key that named it: another key's id finds nothing. */
  keyId: string;
  conversation: string;
}

/** Expired rows are deleted at most this often, by whichever request comes by. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The tokens each conversation sent upstream (PII_VAULT_CONVERSATION_TTL_SECONDS after it last
 * sent them). Only these may be restored in its answers: a token the model prints that the
 * conversation never sent stays a placeholder.
 */
@Injectable()
export class ConversationTokens {
  private lastSweep = 0;

  constructor(
    private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async tokensOf(ref: ConversationRef): Promise<Set<string>> {
    const rows = await selectRows<{ token: string }>(
      this.db,
      `SELECT token FROM conversation_tokens
        WHERE tenant_id = $1 AND api_key_id = $2 AND conversation = $3 AND expires_at > now()`,
      [ref.tenantId, ref.keyId, ref.conversation],
    );
    return new Set(rows.map((r) => r.token));
  }

  async remember(ref: ConversationRef, tokens: readonly string[]): Promise<void> {
    await this.sweep();
    if (tokens.length === 0) return;
    await this.db.query(
      `INSERT INTO conversation_tokens (tenant_id, api_key_id, conversation, token, expires_at)
       SELECT $1, $2, $3, t, now() + make_interval(secs => $5) FROM unnest($4::text[]) AS t
       ON CONFLICT (tenant_id, api_key_id, conversation, token)
       DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [
        ref.tenantId,
        ref.keyId,
        ref.conversation,
        [...new Set(tokens)],
        this.config.PII_VAULT_CONVERSATION_TTL_SECONDS,
      ],
    );
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = Date.now();
    await this.db.query(`DELETE FROM conversation_tokens WHERE expires_at <= now()`);
  }
}
