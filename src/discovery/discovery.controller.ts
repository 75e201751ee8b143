import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireRoles } from '../auth-context/route-access';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import { Principal, ROLE_ADMIN } from '../auth-context/principal';
import {
  ConnectionNameParams,
  ConnectionViewDto,
  ListScansQuery,
  SaveConnectionDto,
  ScanIdParams,
  ScanStartedDto,
  ScanViewDto,
  StartScanDto,
} from './dto/discovery.dto';
import { ConnectionView, DiscoveryService, ScanView } from './discovery.service';
import { findingsCsv } from './report-csv';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('v1/discovery')
@RequireRoles(ROLE_ADMIN)
export class DiscoveryController {
  constructor(private readonly discovery: DiscoveryService) {}

  @Post('scans')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ScanStartedDto, description: 'the queued scan' })
  startScan(
    @CurrentPrincipal() caller: Principal,
    @Body() dto: StartScanDto,
  ): Promise<{ id: string }> {
    return this.discovery.startScan(caller, dto);
  }

  @Get('scans')
  @ApiOkResponse({ type: [ScanViewDto], description: 'newest first, without columns' })
  listScans(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ListScansQuery,
  ): Promise<ScanView[]> {
    return this.discovery.listScans(caller, query.limit);
  }

  @Get('scans/:id')
  @ApiOkResponse({ type: ScanViewDto })
  scan(@CurrentPrincipal() caller: Principal, @Param() params: ScanIdParams): Promise<ScanView> {
    return this.discovery.scan(caller, params.id);
  }

  @Get('scans/:id/report.csv')
  @ApiProduces('text/csv')
  async report(
    @CurrentPrincipal() caller: Principal,
    @Param() params: ScanIdParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const scan = await this.discovery.scan(caller, params.id);
    void reply.header('content-type', 'text/csv; charset=utf-8');
    void reply.header('content-disposition', `attachment; filename="scan-${scan.id}.csv"`);
    return findingsCsv(scan.columns);
  }

  @Post('scans/:id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: ScanViewDto })
  cancel(@CurrentPrincipal() caller: Principal, @Param() params: ScanIdParams): Promise<ScanView> {
    return this.discovery.cancel(caller, params.id);
  }

  @Post('connections')
  @ApiCreatedResponse({ type: ConnectionViewDto })
  saveConnection(
    @CurrentPrincipal() caller: Principal,
    @Body() dto: SaveConnectionDto,
  ): Promise<ConnectionView> {
    return this.discovery.saveConnection(caller, dto.name, dto.url);
  }

  @Get('connections')
  @ApiOkResponse({ type: [ConnectionViewDto] })
  connections(@CurrentPrincipal() caller: Principal): Promise<ConnectionView[]> {
    return this.discovery.connections(caller);
  }

  @Delete('connections/:name')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteConnection(
    @CurrentPrincipal() caller: Principal,
    @Param() params: ConnectionNameParams,
  ): Promise<void> {
    return this.discovery.deleteConnection(caller, params.name);
  }
}
