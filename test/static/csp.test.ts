import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../main/shell/csp';
import { ROOT } from './source-files';

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    assert.ok(!map.has(name), `directive ${name} appears twice`);
    map.set(name.toLowerCase(), sources);
  }
  return map;
}

const decodeEntities = (text: string) =>
  text.replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('denies by default and opens no connection', () => {
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('connect-src'), ["'none'"]);
  });

  it('allows code and styles only from the app itself', () => {
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('style-src'), ["'self'"]);
    assert.deepEqual(csp.get('font-src'), ["'self'"]);
  });

  it('shuts plugins, frames, forms, workers and base-URL changes', () => {
    for (const name of ['object-src', 'base-uri', 'form-action', 'frame-ancestors', 'frame-src', 'worker-src']) {
      assert.deepEqual(csp.get(name), ["'none'"], name);
    }
  });

  it('names no remote origin and nothing unsafe', () => {
    const allowed = new Set(["'self'", "'none'", 'data:', 'blob:', 'mediastream:']);
    for (const [name, sources] of csp) {
      for (const source of sources) {
        assert.ok(allowed.has(source), `${name} allows ${source}`);
      }
    }
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-|https?:|wss?:|\*/);
  });

  it('is exactly the policy in the <meta> tag of renderer/index.html, placed before anything loads', () => {
    const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8');
    const metas = [...html.matchAll(/<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=(["'])(.*?)\1\s*\/?>/gis)];
    assert.equal(metas.length, 1, 'renderer/index.html has one CSP <meta> tag (http-equiv before content)');
    const meta = metas[0]!;
    assert.equal(decodeEntities(meta[2]!), META_CONTENT_SECURITY_POLICY);
    const firstLoad = html.search(/<script|<link\s+rel=["']stylesheet|<style/i);
    assert.ok(firstLoad === -1 || meta.index! < firstLoad, 'the CSP <meta> comes before any script or stylesheet');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline scripts');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /<style[\s>]|\sstyle\s*=/i, 'no inline styles');
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no remote resources');
  });
});
