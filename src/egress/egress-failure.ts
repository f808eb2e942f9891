// Which failures are the egress's fault (the proxy, its IP's Cloudflare standing, the network path)
// rather than the account's or Grok's: they count against the proxy and the retry avoids it.
import type { GrokUpstreamError } from '../grok/index.js';

export function isEgressFailure(err: GrokUpstreamError): boolean {
  return err.kind === 'transport' || err.kind === 'anti-bot';
}
