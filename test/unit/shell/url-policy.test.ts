import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl, isNavigationAllowed, isRequestAllowed } from '../../../main/shell/url-policy';

describe('URL policy', () => {
  it('knows the app origin and entry page', () => {
    assert.equal(APP_ORIGIN, 'app://conclave');
    assert.equal(APP_ENTRY_URL, 'app://conclave/index.html');
    assert.ok(isAppUrl(APP_ENTRY_URL));
  });

  it('allows navigation only within app://conclave', () => {
    for (const url of ['app://conclave/index.html', 'app://conclave/', 'app://conclave/index.html#/status']) {
      assert.ok(isNavigationAllowed(url), url);
    }
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://conclave.evil/index.html',
      'app://other/index.html',
      'app://user:pw@conclave/index.html',
      'javascript:alert(1)',
      'data:text/html,<h1>hi</h1>',
      'about:blank',
      'not a url',
      '',
    ]) {
      assert.equal(isNavigationAllowed(url), false, url);
    }
  });

  it('lets no request leave the machine', () => {
    for (const url of ['app://conclave/app.js', 'data:image/png;base64,AAAA', 'blob:app://conclave/1234', 'devtools://devtools/bundled/inspector.html']) {
      assert.ok(isRequestAllowed(url), url);
    }
    for (const url of [
      'https://example.com/x.js',
      'http://localhost/',
      'ws://127.0.0.1:9222/',
      'wss://example.com/',
      'file:///etc/passwd',
      'ftp://example.com/',
      'chrome-extension://abc/x.js',
      'app://elsewhere/app.js',
      'garbage',
    ]) {
      assert.equal(isRequestAllowed(url), false, url);
    }
  });
});
