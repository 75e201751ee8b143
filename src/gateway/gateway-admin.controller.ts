import { Body, Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import { Principal, ROLE_ADMIN } from '../auth-context/principal';
import { RequireRoles } from '../auth-context/route-access';
import { PutUpstreamDto, UpstreamViewDto } from './dto/upstream.dto';
import { UpstreamStore } from './upstream-store';

/** A tenant's own upstream model API (its URL and key are never returned). */
@ApiTags('gateway')
@ApiBearerAuth()
@RequireRoles(ROLE_ADMIN)
@Controller('v1/admin/gateway/upstream')
export class GatewayAdminController {
  constructor(private readonly upstreams: UpstreamStore) {}

  @Get()
  @ApiOkResponse({ type: UpstreamViewDto })
  get(@CurrentPrincipal() caller: Principal): Promise<UpstreamViewDto> {
    return this.upstreams.view(caller);
  }

  @Put()
  @ApiOkResponse({ type: UpstreamViewDto })
  put(
    @Body() dto: PutUpstreamDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<UpstreamViewDto> {
    return this.upstreams.put(caller, dto.url, dto.apiKey);
  }

  @Delete()
  @ApiOkResponse({ type: UpstreamViewDto })
  remove(@CurrentPrincipal() caller: Principal): Promise<UpstreamViewDto> {
    return this.upstreams.remove(caller);
  }
}
