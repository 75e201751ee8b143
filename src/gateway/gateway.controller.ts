import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../auth-context/current-principal.decorator';
import type { Principal } from '../auth-context/principal';
import { GatewayAnswer, GatewayEndpoint, GatewayService } from './gateway.service';

export const CONVERSATION_HEADER = 'x-pii-vault-conversation';

/**
 * OpenAI-compatible routes: point an OpenAI client's base URL at `/v1/gateway/openai/v1` and use
 * a vault API key as its API key. Bodies are the upstream API's own, so they are not validated
 * here beyond being JSON objects; the upstream judges them.
 */
@ApiTags('gateway')
@ApiBearerAuth()
@ApiHeader({ name: CONVERSATION_HEADER, required: false })
@Controller('v1/gateway/openai/v1')
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The upstream chat completion (or its event stream), restored' })
  chat(
    @Body() body: unknown,
    @CurrentPrincipal() caller: Principal,
    @Headers(CONVERSATION_HEADER) conversation: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.relay('chat', body, caller, conversation, request, reply);
  }

  @Post('responses')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The upstream response (or its event stream), restored' })
  responses(
    @Body() body: unknown,
    @CurrentPrincipal() caller: Principal,
    @Headers(CONVERSATION_HEADER) conversation: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.relay('responses', body, caller, conversation, request, reply);
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The upstream embeddings of the tokenized input' })
  embeddings(
    @Body() body: unknown,
    @CurrentPrincipal() caller: Principal,
    @Headers(CONVERSATION_HEADER) conversation: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.relay('embeddings', body, caller, conversation, request, reply);
  }

  private async relay(
    endpoint: GatewayEndpoint,
    body: unknown,
    caller: Principal,
    conversation: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const call = { requestId: String(request.id), conversation };
    send(reply, await this.gateway.forward(endpoint, caller, body, call));
  }
}

function send(reply: FastifyReply, answer: GatewayAnswer): void {
  if (answer.cancel) {
    const cancel = answer.cancel;
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) cancel();
    });
  }
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}
