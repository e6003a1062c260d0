import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppPath, serveAppFile } from '../../../main/shell/app-files';
import { CONTENT_SECURITY_POLICY } from '../../../main/shell/csp';

let base: string;
let root: string;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'conclave-app-files-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'styles'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Conclave</title>');
  writeFileSync(join(root, 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'styles', 'app.css'), 'body{}');
  writeFileSync(join(root, 'notes.exe'), 'MZ');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  mkdirSync(join(root, 'folder.js'));
});

after(() => rmSync(base, { recursive: true, force: true }));

const text = (body: Uint8Array | string) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

describe('app:// file serving', () => {
  it('serves the entry page for / and /index.html with the CSP header', async () => {
    for (const url of ['app://conclave/', 'app://conclave/index.html']) {
      const response = await serveAppFile(root, url);
      assert.equal(response.status, 200, url);
      assert.equal(response.headers['Content-Type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
      assert.equal(response.headers['X-Content-Type-Options'], 'nosniff');
      assert.match(text(response.body), /<title>Conclave<\/title>/);
    }
  });

  it('serves scripts and styles with their types', async () => {
    const js = await serveAppFile(root, 'app://conclave/app.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['Content-Type'], 'text/javascript; charset=utf-8');
    const css = await serveAppFile(root, 'app://conclave/styles/app.css?v=1');
    assert.equal(css.status, 200);
    assert.equal(text(css.body), 'body{}');
  });

  it('refuses every way out of the renderer folder', async () => {
    for (const url of [
      'app://conclave/../secret.txt',
      'app://conclave/%2e%2e/secret.txt',
      'app://conclave/styles/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://conclave/..%2fsecret.txt',
      'app://conclave/..%5csecret.txt',
      'app://conclave/%00index.html',
      'app://conclave/link.txt',
    ]) {
      const response = await serveAppFile(root, url);
      assert.notEqual(response.status, 200, url);
      assert.ok(!text(response.body).includes('outside the renderer folder'), url);
      assert.equal(response.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY, 'refusals carry the CSP too');
    }
    assert.equal((await serveAppFile(root, 'app://conclave/link.txt')).status, 403);
  });

  it('refuses other hosts, unknown types, folders, missing files and writes', async () => {
    assert.equal((await serveAppFile(root, 'app://elsewhere/index.html')).status, 403);
    assert.equal((await serveAppFile(root, 'app://conclave/notes.exe')).status, 404);
    assert.equal((await serveAppFile(root, 'app://conclave/folder.js')).status, 404);
    assert.equal((await serveAppFile(root, 'app://conclave/missing.js')).status, 404);
    assert.equal((await serveAppFile(root, 'app://conclave/%E0%A4%A')).status, 400);
    assert.equal((await serveAppFile(root, 'app://conclave/index.html', 'POST')).status, 405);
  });

  it('maps URLs to paths without touching the disk', () => {
    assert.deepEqual(resolveAppPath('/r', 'app://conclave/styles/app.css'), { ok: true, path: '/r/styles/app.css' });
    assert.equal(resolveAppPath('/r', 'nonsense').ok, false);
  });
});
