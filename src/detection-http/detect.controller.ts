import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import type { Principal } from '../auth-context/principal';
import { DetectService } from './detect.service';
import { DetectRequestDto, DetectResultDto } from './dto/detect.dto';

@ApiTags('detection')
@ApiBearerAuth()
@Controller('v1')
export class DetectController {
  constructor(private readonly detection: DetectService) {}

  @Post('detect')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOkResponse({ type: DetectResultDto })
  detect(@Body() dto: DetectRequestDto, @CurrentPrincipal() caller: Principal): Promise<Buffer> {
    return this.detection.detectAsJson(caller, dto);
  }
}
