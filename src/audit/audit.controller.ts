import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRoles } from '../auth-context/route-access';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import { ROLE_ADMIN, type Principal } from '../auth-context/principal';
import { AuditService } from './audit.service';
import {
  AuditPageDto,
  AuditQueryDto,
  AuditVerifyQueryDto,
  ChainVerificationDto,
  SignedChainHeadDto,
} from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
@RequireRoles(ROLE_ADMIN)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPageDto })
  list(
    @Query() query: AuditQueryDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<AuditPageDto> {
    return this.audit.query(query.toQuery(caller.tenantId));
  }

  /** The chain's current head, signed with the audit key: keep it outside the database. */
  @Get('head')
  @ApiOkResponse({ type: SignedChainHeadDto })
  head(@CurrentPrincipal() caller: Principal): Promise<SignedChainHeadDto> {
    return this.audit.head(caller.tenantId);
  }

  /** Verifies the chain; with an exported head, also that the chain still contains it. */
  @Get('verify')
  @ApiOkResponse({ type: ChainVerificationDto })
  verify(
    @Query() query: AuditVerifyQueryDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ChainVerificationDto> {
    return this.audit.verify(caller.tenantId, query.toHead());
  }
}
