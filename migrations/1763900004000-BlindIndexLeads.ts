import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lookups give a set of blind indexes (`blind_index = ANY(...)`); with entity_type second in the
 * unique index the planner scanned every row of the tenant. Blind index second makes each lookup
 * an index probe, whatever the vault's size.
 */
export class BlindIndexLeads1763900004000 implements MigrationInterface {
  name = 'BlindIndexLeads1763900004000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vault_entries DROP CONSTRAINT vault_entries_value_uq`);
    await q.query(
      `ALTER TABLE vault_entries ADD CONSTRAINT vault_entries_value_uq UNIQUE (tenant_id, blind_index, entity_type, scope)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vault_entries DROP CONSTRAINT vault_entries_value_uq`);
    await q.query(
      `ALTER TABLE vault_entries ADD CONSTRAINT vault_entries_value_uq UNIQUE (tenant_id, entity_type, scope, blind_index)`,
    );
  }
}
