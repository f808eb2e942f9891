export { DRIFT_KINDS, checkShape, looksLikeHtml, type DriftFinding, type DriftKind } from './check.js';
export { checkMgwFrame } from './mgw-check.js';
export { KNOWN_HANDSHAKE_STATUSES, MGW_ENVELOPE, MGW_EVENTS } from './mgw-spec.js';
export { DriftMonitor, reportAnswerDrift, type DriftContext, type DriftLogger, type DriftMonitorOptions, type DriftSignature } from './monitor.js';
export { redactSample, redactText } from './redact.js';
export { SESSION_ANSWER, checkSessionAnswer } from './session-spec.js';
export { IMAGINE_MESSAGES, checkImagineMessage, imagineAlwaysChecked } from './imagine-spec.js';
export { UPLOAD_V2_ANSWER, checkUploadAnswer } from './upload-spec.js';
export { QUOTA_INFO_ANSWER, RATE_LIMITS_ANSWER, checkQuotaInfoAnswer, checkRateLimitsAnswer } from './quota-spec.js';
