import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth-context/principal';
import { ErrorCode, VaultError } from '../common/errors';
import { BUILTIN_ENTITY_TYPES } from '../detection';
import { DetectionRunner } from '../detection-runtime/detection-runner';
import { detectOptionsFor, type PolicyDocument } from '../policy/policy-document';
import { PolicyService } from '../policy/policy.service';
import type { DetectRequestDto } from './dto/detect.dto';

const KNOWN_TYPES = new Set<string>(BUILTIN_ENTITY_TYPES);

/** POST /v1/detect: the caller's policy, the types it may ask for, then the runner. */
@Injectable()
export class DetectService {
  constructor(
    private readonly runner: DetectionRunner,
    private readonly policies: PolicyService,
  ) {}

  /** The route's answer as JSON bytes (see DetectionRunner.detectAsJson). */
  async detectAsJson(caller: Principal, request: DetectRequestDto): Promise<Buffer> {
    const policy = await this.policies.resolveFor(caller, request.policy);
    assertKnownTypes(policy, request.entities);
    return this.runner.detectAsJson(request.text, detectOptionsFor(policy, request.entities));
  }
}

/**
 * Requested types must be built in or come from one of the policy's custom recognizers
 * (EMPLOYEE_ID): so the check needs the resolved policy, never the request alone.
 */
function assertKnownTypes(policy: PolicyDocument, requested: readonly string[] | undefined): void {
  const custom = new Set(policy.detection?.recognizers?.map((r) => r.type));
  const unknown = requested?.filter((t) => !KNOWN_TYPES.has(t) && !custom.has(t)) ?? [];
  if (unknown.length > 0) {
    throw new VaultError(
      ErrorCode.InvalidRequest,
      `entities: unknown entity type ${unknown.join(', ')}`,
    );
  }
}
