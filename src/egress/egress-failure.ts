// Which failures are the egress's fault (the proxy, its IP's Cloudflare standing, the network path)
// rather than the account's or Grok's: they count against the proxy and the retry avoids it. The
// kinds are the failure table's `egressFault` column (src/failures); this only adapts the error.
import { isEgressFault } from '../failures/index.js';
import type { GrokUpstreamError } from '../grok/index.js';

export function isEgressFailure(err: GrokUpstreamError): boolean {
  return isEgressFault(err.kind);
}
