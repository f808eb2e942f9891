// Public surface of src/failures/: the failure kinds, the one policy table and the decisions read from it.
export {
  FAILURE_KINDS,
  FAILURE_TABLE,
  failureKindSchema,
  failurePolicySchema,
  type AccountEffect,
  type ClientError,
  type ClientErrorType,
  type FailureKind,
  type FailurePolicy,
  type RetryRule,
  type RetryTarget,
} from './failure-table.js';
export { accountEffect, clientFailure, isAccountFault, isEgressFault, isRetryable, retryTargets, type ClientFailure, type RetryQuestion } from './failure-decisions.js';
export { CallError, badRequest, callErrorForKind, EMPTY_ANSWER_MESSAGE, type CallErrorOptions } from './call-error.js';
