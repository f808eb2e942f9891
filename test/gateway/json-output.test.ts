// Structured output: the prompt section, extraction from chatter and fences, schema dialects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonSpec, extractJson, jsonInstructions } from '../../src/gateway/json-output.js';

void test('the JSON section carries the schema between markers, and strictness when asked', () => {
  const text = jsonInstructions({ kind: 'json_schema', name: 'person', strict: true, schema: { type: 'object' } });
  assert.match(text, /^Answer with JSON only\./);
  assert.ok(text.includes('<json_schema>\n{"type":"object"}\n</json_schema>'));
  assert.match(text, /strictly/);
  assert.doesNotMatch(jsonInstructions({ kind: 'json_object' }), /json_schema/);
});

void test('extraction: whole answer, fenced, first balanced value in chatter; nothing parseable is an error', () => {
  assert.deepEqual(extractJson('  {"a":1}\n'), { ok: true, json: '{"a":1}', value: { a: 1 } });
  assert.deepEqual(extractJson('Sure!\n```json\n[1,2]\n```\nBye'), { ok: true, json: '[1,2]', value: [1, 2] });
  assert.deepEqual(extractJson('The answer is {"b": "}"} as requested'), { ok: true, json: '{"b": "}"}', value: { b: '}' } });
  assert.equal(extractJson('no json here').ok, false);
  assert.equal(extractJson('').ok, false);
});

void test('schemas: draft-07 and 2020-12 both compile; an invalid schema is reported', () => {
  const d7 = compileJsonSpec({ kind: 'json_schema', name: 'x', strict: false, schema: { $schema: 'http://json-schema.org/draft-07/schema#', definitions: { n: { type: 'number' } }, type: 'object', properties: { n: { $ref: '#/definitions/n' } } } });
  assert.ok(d7.ok);
  assert.equal(d7.validate({ n: 1 }), undefined);
  assert.match(d7.validate({ n: 'x' }) ?? '', /must be number/);
  const d20 = compileJsonSpec({ kind: 'json_schema', name: 'x', strict: false, schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { s: { type: 'string' } }, type: 'array', prefixItems: [{ $ref: '#/$defs/s' }] } });
  assert.ok(d20.ok);
  assert.equal(d20.validate(['a']), undefined);
  assert.ok(d20.validate([1]));
  const bad = compileJsonSpec({ kind: 'json_schema', name: 'x', strict: false, schema: { type: 'nope' } });
  assert.equal(bad.ok, false);
  const obj = compileJsonSpec({ kind: 'json_object' });
  assert.ok(obj.ok);
  assert.equal(obj.validate({}), undefined);
  assert.ok(obj.validate([1]));
});
