import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from './api-keys.service';
import { RequireRoles } from '../auth-context/route-access';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import { ApiKeySummaryDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { Principal, ROLE_ADMIN, ROLE_OPERATOR } from '../auth-context/principal';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/api-keys')
@RequireRoles(ROLE_ADMIN, ROLE_OPERATOR)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(
    @Body() dto: CreateApiKeyDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<CreatedApiKeyDto> {
    return this.apiKeys.createFor(caller, dto);
  }

  @Get()
  @ApiOkResponse({ type: [ApiKeySummaryDto] })
  list(@CurrentPrincipal() caller: Principal): Promise<ApiKeySummaryDto[]> {
    return this.apiKeys.list(caller.tenantId);
  }

  @Delete(':id')
  @ApiOkResponse({ type: ApiKeySummaryDto, description: 'The key, now revoked' })
  revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ApiKeySummaryDto> {
    return this.apiKeys.revokeFor(caller, id);
  }
}
