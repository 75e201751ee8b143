import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';

/**
 * Reference endpoints for `npm run bench`, mounted only with PII_VAULT_BENCH_ENDPOINTS=true:
 * the same auth and pipeline as real routes, with no work (noop) or one durable INSERT.
 */
@ApiExcludeController()
@Controller('v1/bench')
export class BenchCeilingController {
  constructor(private readonly db: DataSource) {}

  @Post('noop')
  @HttpCode(200)
  noop(@CurrentPrincipal() caller: Principal): { tenant: string } {
    return { tenant: caller.tenantName };
  }

  @Post('insert')
  @HttpCode(200)
  async insert(@CurrentPrincipal() caller: Principal): Promise<{ id: string }> {
    const rows = (await this.db.query(`INSERT INTO bench_ceiling (tenant_id) VALUES ($1) RETURNING id`, [
      caller.tenantId,
    ])) as { id: string }[];
    return { id: rows[0].id };
  }
}
