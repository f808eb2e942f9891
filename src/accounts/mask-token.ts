// Secrets are shown as `first6****last4` everywhere (logs, errors, listings); one implementation.
export { maskSecret as maskToken } from '../config/index.js';
