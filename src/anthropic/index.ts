// Public surface of src/anthropic/: the Anthropic Messages edge (/v1/messages).
export { registerAnthropicMessages, type MessagesRouteDeps } from './messages-route.js';
