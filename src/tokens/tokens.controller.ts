import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { RequireRoles } from '../access/auth.guard';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import { Principal, ROLE_ADMIN } from '../access/principal';
import { ErrorCode, VaultError } from '../common/errors';
import { TokenMetrics } from '../observability/token-metrics';
import { PolicyService } from '../policy/policy.service';
import { DetokenizeService } from './detokenize.service';
import {
  DetokenizeRequestDto,
  DetokenizeResultDto,
  ForgetRequestDto,
  ForgetResultDto,
  TokenizeBatchResultDto,
  TokenizeRequestDto,
  TokenizeResultDto,
} from './dto/tokenize.dto';
import { ForgetService } from './forget.service';
import { TokenizeService } from './tokenize.service';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiExtraModels(TokenizeResultDto, TokenizeBatchResultDto)
@Controller('v1')
export class TokensController {
  constructor(
    private readonly tokenizer: TokenizeService,
    private readonly detokenizer: DetokenizeService,
    private readonly forgetter: ForgetService,
    private readonly policies: PolicyService,
    private readonly tokenMetrics: TokenMetrics,
  ) {}

  @Post('tokenize')
  @HttpCode(200)
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokenizeResultDto) },
        { $ref: getSchemaPath(TokenizeBatchResultDto) },
      ],
    },
  })
  async tokenize(
    @Body() dto: TokenizeRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<TokenizeResultDto | TokenizeBatchResultDto> {
    assertOneOf(dto.text, dto.texts, 'text or texts');
    const policy = await this.policies.resolveFor(caller, dto.policy);
    const results = await this.tokenizer.tokenize(
      caller.tenantId,
      policy,
      dto.texts ?? [dto.text!],
      dto.scope,
    );
    this.tokenMetrics.tokenized(results);
    return dto.texts ? { results } : results[0];
  }

  @Post('detokenize')
  @HttpCode(200)
  @ApiOkResponse({ type: DetokenizeResultDto })
  async detokenize(
    @Body() dto: DetokenizeRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<DetokenizeResultDto> {
    assertOneOf(dto.text, dto.tokens, 'text or tokens');
    // A named policy must be one the caller may name, but never decides who sees what.
    if (dto.policy !== undefined) await this.policies.resolveFor(caller, dto.policy);
    const request = {
      caller,
      policy: await this.policies.governing(caller.tenantId),
      formatPreserving: await this.policies.tenantUsesFormatPreserving(caller.tenantId),
      purpose: dto.purpose,
    };
    if (dto.tokens) {
      const tokens = await this.detokenizer.resolveTokens(request, dto.tokens);
      this.tokenMetrics.detokenized(tokens);
      return { tokens };
    }
    const result = await this.detokenizer.detokenizeText(request, dto.text!);
    this.tokenMetrics.detokenized(result.tokens);
    return result;
  }

  @Post('forget')
  @HttpCode(200)
  @RequireRoles(ROLE_ADMIN)
  @ApiOkResponse({ type: ForgetResultDto })
  async forget(
    @Body() dto: ForgetRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ForgetResultDto> {
    assertOneOf(dto.value, dto.token, 'value or token');
    const policy = await this.policies.resolveFor(caller);
    return this.forgetter.forget(caller, policy, dto);
  }
}

function assertOneOf(a: unknown, b: unknown, names: string): void {
  if (a !== undefined && b !== undefined) {
    throw new VaultError(ErrorCode.InvalidRequest, `Give ${names}, not both`);
  }
}
