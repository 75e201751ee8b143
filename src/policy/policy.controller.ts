import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { RequireRoles } from '../auth-context/route-access';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import { Principal, ROLE_ADMIN } from '../auth-context/principal';
import { PolicyService, PolicyVersion } from './policy.service';

class PolicyNameParams {
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'name must match ^[a-z0-9][a-z0-9_-]{0,62}$' })
  name!: string;
}

class PolicyVersionQuery {
  @ApiPropertyOptional({ description: 'A past version (default: the latest)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'version must be a positive integer' })
  @Min(1, { message: 'version must be a positive integer' })
  // The column is a PostgreSQL integer: larger would fail in the database (22003), not here.
  @Max(2_147_483_647, { message: 'version must be at most 2147483647' })
  version?: number;
}

class PolicyVersionDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: Object, nullable: true, description: 'null for a deletion' }) document!:
    object | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
}

const EXAMPLE = {
  detection: {
    entities: ['PERSON', 'EMAIL_ADDRESS', 'CREDIT_CARD'],
    minScore: 0.5,
    allowList: ['Acme Corp'],
  },
  tokens: {
    default: { format: 'placeholder' },
    CREDIT_CARD: { format: 'format_preserving', keepLast: 4 },
  },
  access: { support: { PERSON: 'full', EMAIL_ADDRESS: 'masked', '*': 'deny' } },
  limits: { revealBudgetPerHour: { support: 500 } },
};

@ApiTags('policies')
@ApiBearerAuth()
@Controller('v1/policies')
@RequireRoles(ROLE_ADMIN)
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @ApiOkResponse({ type: [PolicyVersionDto] })
  list(@CurrentPrincipal() caller: Principal): Promise<PolicyVersion[]> {
    return this.policies.list(caller.tenantId);
  }

  @Get(':name')
  @ApiOkResponse({ type: PolicyVersionDto })
  get(
    @Param() p: PolicyNameParams,
    @Query() q: PolicyVersionQuery,
    @CurrentPrincipal() caller: Principal,
  ): Promise<PolicyVersion> {
    return this.policies.get(caller.tenantId, p.name, q.version);
  }

  @Get(':name/versions')
  @ApiOkResponse({ type: [PolicyVersionDto] })
  versions(
    @Param() p: PolicyNameParams,
    @CurrentPrincipal() caller: Principal,
  ): Promise<PolicyVersion[]> {
    return this.policies.versions(caller.tenantId, p.name);
  }

  @Put(':name')
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  @ApiOkResponse({ type: PolicyVersionDto, description: 'The new version' })
  put(
    @Param() p: PolicyNameParams,
    @Body() document: Record<string, unknown>,
    @CurrentPrincipal() caller: Principal,
  ): Promise<PolicyVersion> {
    return this.policies.put(caller, p.name, document);
  }

  @Delete(':name')
  @ApiOkResponse({ type: PolicyVersionDto, description: 'The deletion, recorded as a new version' })
  remove(
    @Param() p: PolicyNameParams,
    @CurrentPrincipal() caller: Principal,
  ): Promise<PolicyVersion> {
    return this.policies.remove(caller, p.name);
  }
}
