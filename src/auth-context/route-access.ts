import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

/** Metadata keys the access guard reads; routes set them with the decorators below. */
export const PUBLIC_ROUTE = 'pii-vault:public';
export const REQUIRED_ROLES = 'pii-vault:roles';

/** The route needs no API key (health and metrics only). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** The caller needs at least one of these roles. */
export const RequireRoles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** A request once the access guard has authenticated it. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
