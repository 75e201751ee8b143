import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { selectRows } from '../common/sql';

/** SQL for the tenants table: a name and the id every other table refers to. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly db: DataSource) {}

  /** The tenant's id, or undefined when no tenant has that name. */
  async findId(name: string): Promise<string | undefined> {
    const rows = await selectRows<{ id: string }>(
      this.db,
      `SELECT id FROM tenants WHERE name = $1`,
      [name],
    );
    return rows[0]?.id;
  }

  /** The tenant's id, creating the tenant if no tenant has that name (concurrent callers agree). */
  async ensureId(name: string): Promise<string> {
    await this.db.query(`INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [
      name,
    ]);
    return (await this.findId(name))!;
  }
}
