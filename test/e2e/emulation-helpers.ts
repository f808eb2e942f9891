// Helpers for the tool / JSON / stop emulation end-to-end tests, independent of the chat transport
// the gateway uses upstream (REST or WebSocket): upstream chat calls are found by a unique marker
// in the prompt, wherever the simulator recorded it.
import type { Harness } from './harness.js';

/** Upstream requests whose body mentions `marker` (one per upstream chat call). */
export function upstreamCallsWith(h: Harness, marker: string): string[] {
  const out: string[] = [];
  for (const r of h.sim.requests) {
    const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? '');
    if (body.includes(marker)) out.push(body);
  }
  return out;
}

let serial = 0;
/** A marker unique to one test, to put in the user's message. */
export function marker(name: string): string {
  serial++;
  return `m${serial}-${name}`;
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
