// GET /api/protocol/drift (docs/admin-api.md "Protocol drift").

export interface DriftSignatureView {
  signature: string;
  kind: string;
  path: string;
  type: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  models: string[];
  sources: string[];
  sample: unknown;
}

export interface DriftReport {
  sampleRate: number;
  checked: number;
  dropped: number;
  total: number;
  signatures: DriftSignatureView[];
}
