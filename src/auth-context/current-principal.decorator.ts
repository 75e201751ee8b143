import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ErrorCode, VaultError } from '../common/errors';
import type { AuthenticatedRequest } from './route-access';
import type { Principal } from './principal';

/** The authenticated caller of this request (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new VaultError(ErrorCode.Unauthenticated, 'Not authenticated');
    return principal;
  },
);
