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

/** PERSON tokens, plain or linked (README "SPEC addendum: linked name tokens"), as SQL regex. */
const PERSON_TOKEN_SQL =
  '^\\[PERSON_[0-9A-HJKMNP-TV-Z]{6,12}(\\.given|\\.family|~[0-9A-HJKMNP-TV-Z]{6,12})?\\]$';

const LIVE = `tenant_id = $1 AND api_key_id = $2 AND conversation = $3 AND expires_at > now()`;

/**
 * The tokens each conversation sent upstream (PII_VAULT_CONVERSATION_TTL_SECONDS after it last
 * sent them, at most PII_VAULT_CONVERSATION_MAX_TOKENS of them: the ones sent longest ago go
 * first). Only these may be restored in its answers: a token the model prints that the
 * conversation never sent stays a placeholder.
 */
@Injectable()
export class ConversationTokens {
  private lastSweep = 0;

  constructor(
    private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * Which of these tokens the conversation sent: the gateway and POST /v1/detokenize ask only
   * after the tokens they meet, never for a conversation's whole set.
   */
  async sentAmong(ref: ConversationRef, tokens: readonly string[]): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const rows = await selectRows<{ token: string }>(
      this.db,
      `SELECT token FROM conversation_tokens WHERE ${LIVE} AND token = ANY($4::text[])`,
      [ref.tenantId, ref.keyId, ref.conversation, [...new Set(tokens)]],
    );
    return new Set(rows.map((r) => r.token));
  }

  /** The PERSON tokens the conversation sent, in the order it first sent them. */
  async personTokens(ref: ConversationRef): Promise<string[]> {
    const rows = await selectRows<{ token: string }>(
      this.db,
      `SELECT token FROM conversation_tokens WHERE ${LIVE} AND token ~ $4 ORDER BY sent_seq`,
      [ref.tenantId, ref.keyId, ref.conversation, PERSON_TOKEN_SQL],
    );
    return rows.map((r) => r.token);
  }

  /**
   * The format-preserving tokens the conversation sent (they have no bracket syntax, so an answer
   * is searched for them as written); only those still in the vault.
   */
  async formatPreservingTokens(ref: ConversationRef): Promise<string[]> {
    const rows = await selectRows<{ token: string }>(
      this.db,
      `SELECT c.token FROM conversation_tokens c
        WHERE c.tenant_id = $1 AND c.api_key_id = $2 AND c.conversation = $3
          AND c.expires_at > now() AND c.token NOT LIKE '[%'
          AND EXISTS (SELECT 1 FROM vault_entries v WHERE v.tenant_id = $1 AND v.token = c.token)`,
      [ref.tenantId, ref.keyId, ref.conversation],
    );
    return rows.map((r) => r.token);
  }

  /**
   * Adds the tokens (in the order given, which is the order they were sent) and renews those
   * already there; when any was new, drops the ones sent longest ago past the cap.
   */
  async remember(ref: ConversationRef, tokens: readonly string[]): Promise<void> {
    await this.sweep();
    if (tokens.length === 0) return;
    const added = await selectRows<{ added: boolean }>(
      this.db,
      `INSERT INTO conversation_tokens (tenant_id, api_key_id, conversation, token, expires_at)
       SELECT $1, $2, $3, t.token, now() + make_interval(secs => $5)
         FROM unnest($4::text[]) WITH ORDINALITY AS t(token, n) ORDER BY t.n
       ON CONFLICT (tenant_id, api_key_id, conversation, token)
       DO UPDATE SET expires_at = EXCLUDED.expires_at
       RETURNING (xmax = 0) AS added`,
      [
        ref.tenantId,
        ref.keyId,
        ref.conversation,
        [...new Set(tokens)],
        this.config.PII_VAULT_CONVERSATION_TTL_SECONDS,
      ],
    );
    if (added.some((r) => r.added)) await this.trim(ref);
  }

  /** Keeps the PII_VAULT_CONVERSATION_MAX_TOKENS most recently sent tokens of a conversation. */
  private async trim(ref: ConversationRef): Promise<void> {
    await this.db.query(
      `DELETE FROM conversation_tokens c
        USING (SELECT token FROM conversation_tokens
                WHERE tenant_id = $1 AND api_key_id = $2 AND conversation = $3
                ORDER BY expires_at DESC, sent_seq DESC OFFSET $4) AS old
        WHERE c.tenant_id = $1 AND c.api_key_id = $2 AND c.conversation = $3
          AND c.token = old.token`,
      [ref.tenantId, ref.keyId, ref.conversation, this.config.PII_VAULT_CONVERSATION_MAX_TOKENS],
    );
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = Date.now();
    await this.db.query(`DELETE FROM conversation_tokens WHERE expires_at <= now()`);
  }
}
