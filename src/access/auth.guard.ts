import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, VaultError } from '../common/errors';
import { noteCaller } from '../observability/request-context';
import { RequestLimits } from '../ratelimit/request-limits';
import { ApiKeysService } from './api-keys.service';
import {
  type AuthenticatedRequest,
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
} from '../auth-context/route-access';

/** Health still imports @Public from here; the decorator lives in auth-context. */
export { Public } from '../auth-context/route-access';

/**
 * Global guard: Bearer API key on every route but @Public ones, the key's request limit, then
 * role checks. ApiKeysService decides how much work an unverified key may cost.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly limits: RequestLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = bearerToken(request.headers.authorization);
    if (!key)
      throw new VaultError(ErrorCode.Unauthenticated, 'Missing Authorization: Bearer <api key>');
    const principal = await this.apiKeys.authenticate(key, request.ip);
    request.principal = principal;
    noteCaller(request.raw, principal);
    await this.limits.admit(principal);

    const required = this.reflector.getAllAndOverride<string[] | undefined>(
      REQUIRED_ROLES,
      targets,
    );
    if (required && !required.some((role) => principal.roles.includes(role))) {
      throw new VaultError(ErrorCode.Forbidden, `Requires role: ${required.join(' or ')}`);
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return match?.[1];
}
