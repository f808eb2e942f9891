// Helpers for the tool / JSON / stop emulation end-to-end tests, independent of the chat transport
// the gateway uses upstream (REST or WebSocket).
import type { Harness } from './harness.js';

/**
 * How many upstream chat turns the simulator received since its last clearRequests(), on either
 * transport (REST posts, mgw socket upgrades). What reached Grok is checked by behaviour: the
 * simulator only answers a call or schema-shaped JSON when it read the matching section, and only
 * fixes a scripted bad answer when it read the correction.
 */
export function chatTurns(h: Harness): number {
  return h.sim.requests.filter((r) =>
    (r.method === 'POST' && r.path === '/rest/app-chat/conversations/new') || (r.method === 'GET' && r.path.startsWith('/ws/mgw/'))).length;
}

export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};

export const timeTool = {
  type: 'function' as const,
  function: {
    name: 'get_time',
    description: 'Current time in a time zone',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
};

const TAG_FRAGMENTS = /<\/?(tool_calls?|tool_name|parameters|function_calls?|invoke|arguments)\b|"tool_calls"/;

export function hasTagFragment(text: string): boolean {
  return TAG_FRAGMENTS.test(text);
}

/** Several basic accounts: each allows 30 fast calls a day, and these suites make more than that. */
export function manyAccounts(prefix: string, n = 6): string[] {
  return Array.from({ length: n }, (_, i) => `sso-token-${prefix}-${String(i).padStart(4, '0')}`);
}
