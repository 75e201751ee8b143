import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ErrorCode, VaultError } from '../common/errors';
import { DetokenizeService } from './detokenize.service';
import {
  DetokenizeRequestDto,
  DetokenizeResultDto,
  TokenizeBatchResultDto,
  TokenizeRequestDto,
  TokenizeResultDto,
} from './dto/tokenize.dto';
import { TokenizeService } from './tokenize.service';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiExtraModels(TokenizeResultDto, TokenizeBatchResultDto)
@Controller('v1')
export class TokensController {
  constructor(
    private readonly tokenizer: TokenizeService,
    private readonly detokenizer: DetokenizeService,
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
    assertBuiltinPolicy(dto.policy);
    const results = await this.tokenizer.tokenize(
      caller.tenantId,
      dto.texts ?? [dto.text!],
      dto.scope,
    );
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
    if (dto.tokens) return { tokens: await this.detokenizer.resolve(caller, dto.tokens) };
    return this.detokenizer.detokenizeText(caller, dto.text!);
  }
}

function assertOneOf(a: unknown, b: unknown, names: string): void {
  if (a !== undefined && b !== undefined) {
    throw new VaultError(ErrorCode.InvalidRequest, `Give ${names}, not both`);
  }
}

/** Until tenant policies exist, only the built-in `default` policy can be named. */
function assertBuiltinPolicy(policy: string | undefined): void {
  if (policy !== undefined && policy !== 'default') {
    throw new VaultError(ErrorCode.NotFound, `No policy named ${policy}`);
  }
}
