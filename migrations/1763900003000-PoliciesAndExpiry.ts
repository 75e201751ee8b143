import { MigrationInterface, QueryRunner } from 'typeorm';

export class PoliciesAndExpiry1763900003000 implements MigrationInterface {
  name = 'PoliciesAndExpiry1763900003000';

  public async up(q: QueryRunner): Promise<void> {
    // Every change is a new version; a delete is a version with no document. Old versions stay.
    await q.query(`
      CREATE TABLE policies (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        version integer NOT NULL CHECK (version > 0),
        document jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        PRIMARY KEY (tenant_id, name, version)
      )`);
    // Expired entries keep their token (so it answers "expired") but lose their ciphertext.
    await q.query(`ALTER TABLE vault_entries ALTER COLUMN ciphertext DROP NOT NULL`);
    await q.query(`ALTER TABLE vault_entries ALTER COLUMN iv DROP NOT NULL`);
    await q.query(`ALTER TABLE vault_entries ALTER COLUMN auth_tag DROP NOT NULL`);
    await q.query(`ALTER TABLE vault_entries ADD COLUMN purged_at timestamptz`);
    await q.query(`ALTER TABLE vault_entries ADD CONSTRAINT vault_entries_sealed_ck
      CHECK (purged_at IS NOT NULL OR (ciphertext IS NOT NULL AND iv IS NOT NULL AND auth_tag IS NOT NULL))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM vault_entries WHERE purged_at IS NOT NULL`);
    await q.query(`ALTER TABLE vault_entries DROP CONSTRAINT vault_entries_sealed_ck`);
    await q.query(`ALTER TABLE vault_entries DROP COLUMN purged_at`);
    await q.query(`ALTER TABLE vault_entries ALTER COLUMN ciphertext SET NOT NULL`);
    await q.query(`ALTER TABLE vault_entries ALTER COLUMN iv SET NOT NULL`);
    await q.query(`ALTER TABLE vault_entries ALTER COLUMN auth_tag SET NOT NULL`);
    await q.query(`DROP TABLE policies`);
  }
}
