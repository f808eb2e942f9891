// Public surface of src/app/, the composition root: build the whole gateway, and the config → runtime
// adapters that the process entry and the doctor share.
export { createGateway, type Gateway, type GatewayOptions } from './create-gateway.js';
export { ms, upstreamTimeoutsFrom, type UpstreamTimeouts } from './settings.js';
