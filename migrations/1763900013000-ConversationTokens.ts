import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConversationTokens1763900013000 implements MigrationInterface {
  name = 'ConversationTokens1763900013000';

  public async up(q: QueryRunner): Promise<void> {
    // The tokens a gateway conversation sent upstream: only these may be restored in its answers.
    // A conversation belongs to the API key that named it; rows expire (and are deleted lazily).
    await q.query(`
      CREATE TABLE conversation_tokens (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        api_key_id uuid NOT NULL,
        conversation text NOT NULL CHECK (conversation ~ '^[A-Za-z0-9._:-]{1,128}$'),
        token text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, api_key_id, conversation, token)
      )`);
    await q.query(`CREATE INDEX conversation_tokens_expiry_idx ON conversation_tokens (expires_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE conversation_tokens`);
  }
}
