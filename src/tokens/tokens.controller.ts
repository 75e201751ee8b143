import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import { Principal, ROLE_ADMIN } from '../auth-context/principal';
import { RequireRoles } from '../auth-context/route-access';
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
  tokenize(
    @Body() dto: TokenizeRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<TokenizeResultDto | TokenizeBatchResultDto> {
    return this.tokenizer.tokenizeFor(caller, dto);
  }

  @Post('detokenize')
  @HttpCode(200)
  @ApiOkResponse({ type: DetokenizeResultDto })
  detokenize(
    @Body() dto: DetokenizeRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<DetokenizeResultDto> {
    return this.detokenizer.detokenize(caller, dto);
  }

  @Post('forget')
  @HttpCode(200)
  @RequireRoles(ROLE_ADMIN)
  @ApiOkResponse({ type: ForgetResultDto })
  forget(
    @Body() dto: ForgetRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ForgetResultDto> {
    return this.forgetter.forget(caller, dto);
  }
}
