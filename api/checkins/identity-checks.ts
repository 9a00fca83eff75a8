// Anti-proxy filling: before a submission is stored, the page proves the submitter is the employee
// the session names. Each check is one implementation of IdentityCheck, chosen by the proof's
// `method`; the record keeps the name of the check that passed. A face-liveness provider plugs in
// as one more implementation (README: "Identity checks").
import { DingTalkError } from '../../dingtalk/errors.ts';
import type { DingTalkApi } from '../../dingtalk/types.ts';
import type { Employee } from '../../db/database.ts';
import { verifyLinkToken } from '../../platform/link-token.ts';
import type { IdentityProof } from '../../domain/submission.ts';
import { AppError } from '../http/errors.ts';

export interface IdentityCheck {
  /** stored on the record (`identity_check`) when the check passes */
  readonly name: string;
  /** resolves true when the proof shows `employee` is the one submitting; false when it does not */
  verify(proof: IdentityProof, employee: Employee): Promise<boolean>;
}

/** DingTalk re-auth: a fresh, single-use 免登 code requested right before submit must name the same user. */
export function dingtalkReauthCheck(dingtalk: DingTalkApi): IdentityCheck {
  return {
    name: 'dingtalk-reauth',
    async verify(proof, employee) {
      if (!proof.code) return false;
      try {
        const user = await dingtalk.getUserInfoByCode(proof.code);
        return user.userid === employee.dingtalk_user_id;
      } catch (err) {
        if (err instanceof DingTalkError && !err.retryable) return false;
        throw new AppError('unavailable', 503, 'DingTalk is unavailable, try again', undefined, {
          cause: err,
        });
      }
    },
  };
}

/** The signed link from the employee's own message, still valid and issued to this employee. */
export function linkTokenCheck(sessionSecret: string): IdentityCheck {
  return {
    name: 'link-token',
    verify(proof, employee) {
      const claims = proof.token ? verifyLinkToken(sessionSecret, proof.token) : null;
      return Promise.resolve(claims?.sub === employee.id);
    },
  };
}

export function createIdentityChecks(deps: { dingtalk: DingTalkApi; sessionSecret: string }) {
  return [dingtalkReauthCheck(deps.dingtalk), linkTokenCheck(deps.sessionSecret)];
}

/** The name of the check the proof passed, null without a proof; 403 when it fails or is unknown. */
export async function runIdentityCheck(
  checks: readonly IdentityCheck[],
  proof: IdentityProof | undefined,
  employee: Employee,
): Promise<string | null> {
  if (!proof) return null;
  const check = checks.find((c) => c.name === proof.method);
  if (!check) {
    throw new AppError('validation_failed', 400, 'Unknown identity check', [
      { field: 'identity.method', message: `no identity check "${proof.method}"` },
    ]);
  }
  if (!(await check.verify(proof, employee))) {
    throw new AppError(
      'forbidden',
      403,
      `Identity check ${check.name} failed: the submitter is not this employee`,
    );
  }
  return check.name;
}
