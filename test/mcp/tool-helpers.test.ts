// The small pure parts of the MCP edge: model defaults and errors, tool errors with /v1's words,
// input image references, and the stdio proxy's URL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildModelRegistry, loadConfig } from '../../src/config/index.js';
import { GrokUpstreamError } from '../../src/grok/errors.js';
import { resolveToolModel } from '../../src/mcp/deps.js';
import { gatewayMcpUrl } from '../../src/mcp/stdio-proxy.js';
import { imageRef } from '../../src/mcp/tools/edit-image.js';
import { toolError } from '../../src/mcp/tool-result.js';
import type { McpRequestContext } from '../../src/mcp/request-context.js';
import { newCallContext } from '../../src/calllog/index.js';
import { OpenAIHttpError } from '../../src/openai/errors.js';
import { tempDataDir } from '../config/helpers.js';

const models = buildModelRegistry(loadConfig({ env: {}, dataDir: tempDataDir() }).config.models);

function ctx(): McpRequestContext {
  return { call: newCallContext('/mcp'), owner: 'open', requestId: 'r1', mediaBaseUrl: 'http://x', clientGone: new AbortController().signal, log: pino({ level: 'silent' }) };
}

const text = (r: { content: Array<{ type: string; text?: string }> }): string => r.content.map((b) => b.text ?? '').join('');

void describe('MCP tool helpers', () => {
  void it('resolveToolModel: default is the first enabled model of the preferred kind; /v1 errors otherwise', () => {
    assert.equal(resolveToolModel(models, undefined, ['chat'], 'ask_grok').id, 'grok-chat-fast');
    assert.equal(resolveToolModel(models, undefined, ['image-edit', 'image'], 'edit_image').id, 'grok-imagine-image-edit');
    assert.equal(resolveToolModel(models, 'grok-4-fast', ['chat'], 'ask_grok').spec.id, 'grok-chat-fast', 'aliases resolve');
    assert.throws(() => resolveToolModel(models, 'nope', ['chat'], 'ask_grok'), (e: unknown) => e instanceof OpenAIHttpError && e.status === 404 && e.code === 'model_not_found');
    assert.throws(
      () => resolveToolModel(models, 'grok-imagine-video', ['image'], 'generate_image'),
      (e: unknown) => e instanceof OpenAIHttpError && e.code === 'model_not_supported' && e.message === "The model 'grok-imagine-video' is a video model; generate_image takes image models",
    );
  });

  void it('toolError: /v1 words and code, the failure on the call context; internal errors say nothing more', () => {
    const c = ctx();
    const upstream = toolError(new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: 'slow down' }), c);
    assert.equal(upstream.isError, true);
    assert.equal(text(upstream), 'Grok rate limit reached on every available account: slow down [rate_limit_exceeded]');
    assert.equal(c.call.status, 429);
    assert.equal(c.call.kind, 'rate-limited');
    const c2 = ctx();
    const internal = toolError(new TypeError('cannot read properties of undefined (secret detail)'), c2);
    assert.equal(text(internal), 'Internal error [internal_error]');
    assert.equal(c2.call.status, 500);
  });

  void it('imageRef: URLs and data URLs pass; bare base64 becomes a data URL', () => {
    assert.equal(imageRef(' https://example.org/a.png '), 'https://example.org/a.png');
    assert.equal(imageRef('data:image/jpeg;base64,AAAA'), 'data:image/jpeg;base64,AAAA');
    assert.equal(imageRef('iVBO\nRw0K'), 'data:image/png;base64,iVBORw0K');
    assert.equal(imageRef('ftp://x/y'), 'ftp://x/y', 'left for the loader to refuse with its own words');
  });

  void it('gatewayMcpUrl: a base URL gets /mcp, an /mcp URL is kept', () => {
    assert.equal(gatewayMcpUrl('http://127.0.0.1:8000').toString(), 'http://127.0.0.1:8000/mcp');
    assert.equal(gatewayMcpUrl('https://gw.example/prefix/').toString(), 'https://gw.example/prefix/mcp');
    assert.equal(gatewayMcpUrl('http://h:1/mcp').toString(), 'http://h:1/mcp');
    assert.throws(() => gatewayMcpUrl('not a url'));
  });
});
