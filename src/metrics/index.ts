export { Metrics, type Collected, type LabelledValue, type MetricsOptions } from './metrics.js';
export { registerPoolGauges } from './pool-gauges.js';
export { registerCallLogGauges, registerProxyGauges, type CallLogQueueSource, type ProxyHealthSource } from './service-gauges.js';
export { registerAdmissionGauges } from './admission-gauges.js';
