import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../../src/store/index.js';
import { scrubSecrets, urlSecrets } from '../../src/store/redact-url.js';

void describe('connection URL redaction', () => {
  void it('masks the password and keeps the rest', () => {
    assert.equal(redactUrl('redis://:s3cret@127.0.0.1:6379/0'), 'redis://:****@127.0.0.1:6379/0');
    assert.equal(redactUrl('mysql://root:p%40ss@db:3306/g2a'), 'mysql://root:****@db:3306/g2a');
    assert.equal(redactUrl('mysql://root@db:3306/g2a'), 'mysql://root@db:3306/g2a');
    assert.equal(redactUrl('not a url with :secret@'), 'not a url with :secret@');
    assert.equal(redactUrl('redis://:bad pass@[host'), 'redis://****');
  });

  void it('scrubs secrets, raw and decoded, and any inline credentials from messages', () => {
    const secrets = urlSecrets('mysql://root:p%40ss@db:3306/g2a');
    assert.deepEqual(secrets, ['p%40ss', 'p@ss']);
    assert.equal(scrubSecrets('auth failed for p@ss and p%40ss', secrets), 'auth failed for **** and ****');
    assert.equal(scrubSecrets('connecting to redis://u:other@h:1/0', []), 'connecting to redis://u:****@h:1/0');
    assert.deepEqual(urlSecrets('redis://127.0.0.1:6379'), []);
  });
});
