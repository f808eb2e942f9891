// The vocabulary for describing upstream messages as data (what the gateway expects to read), so a
// drift check can compare a live message against it. Each field is required (the parser depends on
// it), optional (read when present) or ignored (known to exist, deliberately not read: its type and
// contents are not checked). A shape lists the fields of one JSON object; `open` shapes accept keys
// they do not list (for objects whose extra keys carry no meaning for us).

export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';
export type Presence = 'required' | 'optional' | 'ignored';

export interface FieldSpec {
  presence: Presence;
  /** Accepted JSON types (ignored fields: any). */
  types: readonly JsonType[];
  /** The shape of an object value (or of each object item of an array value). */
  shape?: ShapeSpec | undefined;
}

export interface ShapeSpec {
  fields: Readonly<Record<string, FieldSpec>>;
  /** Unknown keys are fine here (no `unknown-field` finding). */
  open?: boolean | undefined;
}

type Types = JsonType | readonly JsonType[];

function typesOf(t: Types): readonly JsonType[] {
  return typeof t === 'string' ? [t] : t;
}

export function req(t: Types, shape?: ShapeSpec): FieldSpec {
  return { presence: 'required', types: typesOf(t), shape };
}

export function opt(t: Types, shape?: ShapeSpec): FieldSpec {
  return { presence: 'optional', types: typesOf(t), shape };
}

/** Known to exist, not read by the gateway: never reported. */
export function ign(): FieldSpec {
  return { presence: 'ignored', types: [] };
}

export function shape(fields: Record<string, FieldSpec>, o: { open?: boolean } = {}): ShapeSpec {
  return { fields, open: o.open };
}

/** The JSON type of a parsed value. */
export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}
