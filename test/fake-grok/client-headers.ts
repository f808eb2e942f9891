// Headers a test needs to talk to the simulator directly (the gateway builds its own).

export type SimHeaders = { cookie: string; 'x-statsig-id': string; 'content-type': string };

/** Cookie (sso + sso-rw, A layout) and a base64 x-statsig-id for `token`. */
export function simHeaders(token: string): SimHeaders {
  return {
    cookie: `sso=${token}; sso-rw=${token}`,
    'x-statsig-id': Buffer.from('x1:TypeError: fake-grok test client').toString('base64'),
    'content-type': 'application/json',
  };
}
