// A minimal, deterministic value valid for a JSON Schema: what the simulator answers when asked for
// JSON (and for a tool's arguments). Covers what SDKs generate from zod / pydantic: objects (every
// property filled in), arrays (minItems, at least one item), enums and consts, anyOf/oneOf/allOf,
// nullable type lists, $ref into $defs/definitions, string formats and numeric bounds.

type Schema = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  'date-time': '2026-01-01T00:00:00Z',
  date: '2026-01-01',
  time: '00:00:00',
  email: 'sim@example.org',
  uri: 'https://example.org/',
  url: 'https://example.org/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.org',
  ipv4: '192.0.2.1',
};

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((p) => p !== '')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Schema)[key] : undefined;
  }
  return typeof node === 'object' && node !== null ? (node as Schema) : {};
}

function asSchema(v: unknown): Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Schema) : {};
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function sampleFromSchema(schema: Schema, root: Schema = schema, depth = 0, key = ''): unknown {
  if (depth > 12) return null;
  if (typeof schema.$ref === 'string') return sampleFromSchema(resolveRef(schema.$ref, root), root, depth + 1, key);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const k of ['anyOf', 'oneOf'] as const) {
    const list = schema[k];
    if (Array.isArray(list) && list.length > 0) {
      const branches = list.map(asSchema);
      const pick = branches.find((b) => b.type !== 'null') ?? branches[0] ?? {};
      return sampleFromSchema(pick, root, depth + 1, key);
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf.map(asSchema)) {
      const p = part.$ref ? resolveRef(String(part.$ref), root) : part;
      Object.assign(merged.properties as Schema, asSchema(p.properties));
    }
    return sampleFromSchema(merged, root, depth + 1, key);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? type[0];
  if (type === undefined) {
    if (schema.properties) type = 'object';
    else if (schema.items) type = 'array';
    else return {};
  }
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = asSchema(schema.properties);
      for (const [name, sub] of Object.entries(props)) out[name] = sampleFromSchema(asSchema(sub), root, depth + 1, name);
      return out;
    }
    case 'array': {
      const n = Math.max(1, num(schema.minItems) ?? 1);
      const items = Array.isArray(schema.prefixItems) ? schema.prefixItems.map(asSchema) : [];
      return Array.from({ length: n }, (_, i) => sampleFromSchema(items[i] ?? asSchema(schema.items), root, depth + 1, key));
    }
    case 'string': {
      const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
      let s = format ?? (key ? `sim-${key}` : 'sim');
      const min = num(schema.minLength) ?? 0;
      const max = num(schema.maxLength);
      while (s.length < min) s += 'x';
      if (max !== undefined && s.length > max) s = s.slice(0, max);
      return s;
    }
    case 'integer':
    case 'number': {
      let v = num(schema.minimum) ?? (num(schema.exclusiveMinimum) !== undefined ? (num(schema.exclusiveMinimum) ?? 0) + 1 : 1);
      const max = num(schema.maximum);
      if (max !== undefined && v > max) v = max;
      return type === 'integer' ? Math.ceil(v) : v;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
