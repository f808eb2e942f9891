import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitUrl } from '../../src/egress/undici-transport.js';

void describe('splitUrl (origin and path for the undici dispatcher)', () => {
  void it('splits the plain upstream shapes by hand, keeping the query in the path', () => {
    assert.deepEqual(splitUrl('https://grok.com/rest/app-chat/conversations/new'), { origin: 'https://grok.com', path: '/rest/app-chat/conversations/new' });
    assert.deepEqual(splitUrl('http://127.0.0.1:9100/rest/rate-limits'), { origin: 'http://127.0.0.1:9100', path: '/rest/rate-limits' });
    assert.deepEqual(splitUrl('https://assets.grok.com/users/u/img.jpg?cache=1&x=a/b'), { origin: 'https://assets.grok.com', path: '/users/u/img.jpg?cache=1&x=a/b' });
    assert.deepEqual(splitUrl('http://[::1]:8080/a'), { origin: 'http://[::1]:8080', path: '/a' });
  });

  void it('leaves the odd shapes to the URL parser: no path, a query before any slash, user info, a fragment', () => {
    assert.deepEqual(splitUrl('https://grok.com'), { origin: 'https://grok.com', path: '/' });
    assert.deepEqual(splitUrl('https://grok.com?next=/a/b'), { origin: 'https://grok.com', path: '/?next=/a/b' });
    assert.deepEqual(splitUrl('https://user:pw@grok.com/x'), { origin: 'https://grok.com', path: '/x' });
    assert.deepEqual(splitUrl('https://grok.com/x?y=1#frag'), { origin: 'https://grok.com', path: '/x?y=1' });
  });
});
