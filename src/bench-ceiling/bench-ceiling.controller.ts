import { Body, Controller, HttpCode, Post, Put } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { DataSource } from 'typeorm';
import { RequireRoles } from '../access/auth.guard';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import { type Principal, ROLE_ADMIN } from '../access/principal';
import { BenchSwitches } from '../config/bench-switches';

export class BenchSwitchesDto {
  @IsBoolean()
  opsOff!: boolean;

  @IsBoolean()
  auditOff!: boolean;
}

/**
 * Reference endpoints for `npm run bench`, mounted only with PII_VAULT_BENCH_ENDPOINTS=true:
 * the same auth and pipeline as real routes, with no work (noop) or one durable INSERT; and the
 * switches that turn auditing or the operations layers off between load slices.
 */
@ApiExcludeController()
@Controller('v1/bench')
export class BenchCeilingController {
  constructor(
    private readonly db: DataSource,
    private readonly switches: BenchSwitches,
  ) {}

  @Post('noop')
  @HttpCode(200)
  noop(@CurrentPrincipal() caller: Principal): { tenant: string } {
    return { tenant: caller.tenantName };
  }

  @Post('insert')
  @HttpCode(200)
  async insert(@CurrentPrincipal() caller: Principal): Promise<{ id: string }> {
    const rows = (await this.db.query(
      `INSERT INTO bench_ceiling (tenant_id) VALUES ($1) RETURNING id`,
      [caller.tenantId],
    )) as { id: string }[];
    return { id: rows[0].id };
  }

  @Put('switches')
  @RequireRoles(ROLE_ADMIN)
  setSwitches(@Body() dto: BenchSwitchesDto): BenchSwitchesDto {
    this.switches.opsOff = dto.opsOff;
    this.switches.auditOff = dto.auditOff;
    return { opsOff: this.switches.opsOff, auditOff: this.switches.auditOff };
  }
}
