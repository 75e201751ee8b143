import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../access/auth.guard';
import { Readiness } from './readiness';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  /** The readiness check in its original short shape. */
  @Get()
  @HttpCode(200)
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'up' } } })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable or not ready' })
  async check(): Promise<{ status: 'ok'; database: 'up' }> {
    await this.ready();
    return { status: 'ok', database: 'up' };
  }

  /** The process is up and serving HTTP; says nothing about its dependencies. */
  @Get('live')
  @HttpCode(200)
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOkResponse({
    schema: {
      example: {
        status: 'ok',
        info: { database: { status: 'up' }, migrations: { status: 'up' }, keys: { status: 'up' } },
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; details name which' })
  async ready(): Promise<Pick<HealthCheckResult, 'status' | 'info'>> {
    const result = await this.readiness.check();
    return { status: result.status, info: result.info };
  }
}
