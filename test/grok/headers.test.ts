import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { ACCEPT_ENCODING } from '../../src/grok/content-encoding.js';
import {
  GrokHeaders,
  buildCookieHeader,
  buildRestHeaders,
  buildWsHeaders,
  clientHintHeaders,
  normalizeSsoToken,
} from '../../src/grok/headers.js';
import { generateStatsigId } from '../../src/grok/statsig.js';

const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36';
const OPTS = { baseUrl: 'https://grok.com', userAgent: UA, acceptLanguage: 'zh-CN,zh;q=0.9,en;q=0.8' };
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

void describe('cookie', () => {
  void it('sso then sso-rw, prefix and whitespace stripped', () => {
    assert.equal(buildCookieHeader('  sso=eyJ.abc\n.def  '), 'sso=eyJ.abc.def; sso-rw=eyJ.abc.def');
    assert.equal(normalizeSsoToken('sso=tok; sso-rw=tok'), 'tok');
    assert.equal(normalizeSsoToken('t\u00e9\u4e2dk'), 't\u00e9k', 'non Latin-1 characters dropped');
  });
  void it('cf_clearance appended', () => {
    assert.equal(buildCookieHeader('tok', { cfClearance: 'cfv' }), 'sso=tok; sso-rw=tok; cf_clearance=cfv');
  });
  void it('cf cookie string: clearance replaced or inserted, sso pairs dropped', () => {
    assert.equal(
      buildCookieHeader('tok', { cfCookies: '__cf_bm=bm; cf_clearance=old; sso=stale; x-userid=42', cfClearance: 'new' }),
      'sso=tok; sso-rw=tok; __cf_bm=bm; cf_clearance=new; x-userid=42',
    );
    assert.equal(buildCookieHeader('tok', { cfCookies: '__cf_bm=bm', cfClearance: 'new' }), 'sso=tok; sso-rw=tok; __cf_bm=bm; cf_clearance=new');
    assert.equal(buildCookieHeader('tok', { cfCookies: 'cf_clearance=keep;;' }), 'sso=tok; sso-rw=tok; cf_clearance=keep');
  });
});

void describe('statsig', () => {
  void it('base64 of the A-form error text, fresh per call', () => {
    const a = generateStatsigId();
    const b = generateStatsigId();
    assert.notEqual(a, b);
    for (const id of [a, b]) {
      assert.match(id, /^[A-Za-z0-9+/]+=*$/);
      const text = Buffer.from(id, 'base64').toString('utf8');
      assert.match(text, /^x1:TypeError: Cannot read properties of undefined \(reading '[A-Za-z0-9]{10}'\)$/);
      assert.equal(Buffer.from(text).toString('base64'), id);
    }
  });
});

void describe('REST headers', () => {
  void it('has the base + app set of the current web app: no Sentry baggage, no client hints, no statsig unless given', () => {
    const h = buildRestHeaders('sso=tok', { ...OPTS, cfClearance: 'cf' });
    assert.equal(h.Accept, '*/*');
    assert.equal(h['Accept-Encoding'], ACCEPT_ENCODING);
    assert.ok(h['Accept-Encoding']?.startsWith('gzip, deflate, br'));
    assert.equal(h['Accept-Encoding']?.includes('zstd'), typeof (zlib as unknown as Record<string, unknown>).createZstdDecompress === 'function');
    assert.equal(h['Accept-Language'], OPTS.acceptLanguage);
    assert.equal(h['Content-Type'], 'application/json');
    assert.equal(h.Origin, 'https://grok.com');
    assert.equal(h.Referer, 'https://grok.com/');
    assert.equal(h['User-Agent'], UA);
    for (const k of Object.keys(h)) assert.doesNotMatch(k, /^sec-ch-ua/i, `client hint ${k} on a REST call`);
    assert.equal(h['Cache-Control'], 'no-cache');
    assert.equal(h.Pragma, 'no-cache');
    assert.equal(h['Sec-Fetch-Dest'], 'empty');
    assert.equal(h['Sec-Fetch-Mode'], 'cors');
    assert.equal(h['Sec-Fetch-Site'], 'same-origin');
    assert.equal(h.Priority, 'u=1, i');
    for (const k of Object.keys(h)) assert.doesNotMatch(k, /^(baggage|sentry-trace)$/i, `Sentry header ${k}`);
    assert.equal(h['x-statsig-id'], undefined);
    assert.match(h['x-xai-request-id'] ?? '', UUID_RE);
    assert.equal(h.Cookie, 'sso=tok; sso-rw=tok; cf_clearance=cf');
  });

  void it('fresh request id per call; given request id used or left out; statsig only when passed', () => {
    const g = new GrokHeaders(OPTS);
    const a = g.rest('t');
    const b = g.rest('t');
    assert.notEqual(a['x-xai-request-id'], b['x-xai-request-id']);
    assert.equal(g.rest('t', { requestId: 'rid-1' })['x-xai-request-id'], 'rid-1');
    assert.equal('x-xai-request-id' in g.rest('t', { noRequestId: true }), false);
    assert.equal(g.rest('t', { statsig: 'c2lnbg==' })['x-statsig-id'], 'c2lnbg==');
  });

  void it('Sec-Fetch-Site: same-origin when the Referer host is the Origin host, else same-site', () => {
    const g = new GrokHeaders({ ...OPTS, baseUrl: 'https://grok.com/' });
    assert.equal(g.rest('t', { referer: 'https://grok.com/imagine/post/abc' })['Sec-Fetch-Site'], 'same-origin');
    assert.equal(g.rest('t', { referer: 'https://accounts.x.ai/accept-tos' })['Sec-Fetch-Site'], 'same-site');
    assert.equal(g.rest('t', { referer: 'https://assets.grok.com/' })['Sec-Fetch-Site'], 'same-site');
    assert.equal(g.rest('t', { referer: 'not a url' })['Sec-Fetch-Site'], 'same-site');
    const local = new GrokHeaders({ ...OPTS, baseUrl: 'http://127.0.0.1:8787' });
    const h = local.rest('t');
    assert.equal(h.Origin, 'http://127.0.0.1:8787');
    assert.equal(h.Referer, 'http://127.0.0.1:8787/');
    assert.equal(h['Sec-Fetch-Site'], 'same-origin');
    assert.equal(local.rest('t', { referer: 'http://127.0.0.1:9999/' })['Sec-Fetch-Site'], 'same-site');
  });

  void it('client hints follow the User-Agent', () => {
    const win = clientHintHeaders(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36 Edg/138.0.0.0',
    );
    assert.equal(win['Sec-Ch-Ua'], '"Microsoft Edge";v="138", "Chromium";v="138", "Not(A:Brand";v="24"');
    assert.equal(win['Sec-Ch-Ua-Platform'], '"Windows"');
    assert.equal(win['Sec-Ch-Ua-Arch'], '"x86"');
    const android = clientHintHeaders(
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Mobile Safari/537.36',
    );
    assert.equal(android['Sec-Ch-Ua-Mobile'], '?1');
    assert.equal(android['Sec-Ch-Ua-Platform'], '"Android"');
    assert.deepEqual(clientHintHeaders('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'), {});
  });
});

void describe('WebSocket handshake headers', () => {
  void it('imagine handshake: no statsig, no request id, no client hints', () => {
    const h = buildWsHeaders('tok', { ...OPTS, cfClearance: 'cf' });
    assert.equal(h.Origin, 'https://grok.com');
    assert.equal(h['User-Agent'], UA);
    assert.equal(h['Accept-Language'], OPTS.acceptLanguage);
    assert.equal(h['Cache-Control'], 'no-cache');
    assert.equal(h.Pragma, 'no-cache');
    assert.equal(h['Sec-Ch-Ua-Platform'], undefined);
    assert.equal(h.Cookie, 'sso=tok; sso-rw=tok; cf_clearance=cf');
    assert.equal(h['x-statsig-id'], undefined);
    assert.equal(h['x-xai-request-id'], undefined);
  });
});
