import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order in which a gateway conversation first sent its tokens (name links across requests
 * follow it), and an index to keep each conversation's set bounded
 * (PII_VAULT_CONVERSATION_MAX_TOKENS: the tokens sent longest ago go first, by expires_at, which
 * every send renews).
 */
export class ConversationTokenOrder1763900014000 implements MigrationInterface {
  name = 'ConversationTokenOrder1763900014000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE conversation_tokens ADD COLUMN sent_seq bigint GENERATED ALWAYS AS IDENTITY`,
    );
    await q.query(
      `CREATE INDEX conversation_tokens_recency_idx
          ON conversation_tokens (tenant_id, api_key_id, conversation, expires_at, sent_seq)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversation_tokens_recency_idx`);
    await q.query(`ALTER TABLE conversation_tokens DROP COLUMN sent_seq`);
  }
}
