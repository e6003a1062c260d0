// `conclave script check FILE` as a real process (the CLI entry under tsx) on real files:
// OK and the hash for a valid script, every problem for an invalid one, exit 0/1/2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { parseScript, scriptHash } from '../../../main/ceremony/script/index';
import { lineOf, minimalScript, toJson, toYaml } from './fixtures';

const root = join(import.meta.dirname, '..', '..', '..');
// The loader by absolute path: the process runs in a temporary folder, where "tsx" does not resolve.
const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
const temp = mkdtempSync(join(tmpdir(), 'conclave-script-cli-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function conclave(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'main', 'cli', 'conclave.ts'), ...args], { cwd: temp, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(temp, name);
  writeFileSync(path, content);
  return path;
}

describe('conclave script check', () => {
  test('a valid script: OK, the ceremony and the script hash, the same for YAML and JSON', () => {
    const expected = scriptHash(parseScript(toYaml(minimalScript())));
    const yaml = conclave('script', 'check', file('root.yaml', toYaml(minimalScript())));
    assert.equal(yaml.status, 0, yaml.stderr);
    assert.equal(yaml.stdout, `OK ${join(temp, 'root.yaml')}\n  Ceremony     root-2025 (root-key-generation), 11 steps\n  Script hash  ${expected}\n`);
    assert.equal(yaml.stderr, '');
    const json = conclave('script', 'check', 'root.json', ...[]);
    assert.equal(json.status, 1, 'no such file yet');
    file('root.json', toJson(minimalScript()));
    const again = conclave('script', 'check', 'root.json');
    assert.equal(again.status, 0, again.stderr);
    assert.ok(again.stdout.includes(`Script hash  ${expected}\n`));
  });

  test('an invalid script: every problem with its path, expectation and line; exit 1', () => {
    const value = minimalScript();
    value.token.label = 'x'.repeat(33);
    value.steps[6].params.label = 'root';
    value.colour = 'red';
    const text = toYaml(value);
    const path = file('bad.yaml', text);
    const r = conclave('script', 'check', path);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(`conclave: the ceremony script ${path} is invalid (3 problems):\n`), r.stderr);
    assert.ok(r.stderr.includes(`  colour: unknown field; allowed here: format, version, ceremony, participants, quorum, token, outputs, steps (line ${lineOf(text, 'colour')})\n`), r.stderr);
    assert.ok(r.stderr.includes(`  token.label: expected at most 32 characters; found 33 (line ${lineOf(text, 'xxxx')})\n`), r.stderr);
    assert.ok(r.stderr.includes(`  steps[6].params.label: the key label "root" is already used by steps[5] ("root"); a label is never reused, choose another (line ${lineOf(text, 'id: kek') + 4})\n`), r.stderr);
    assert.match(r.stderr, /What to do: correct each field/);
  });

  test('--json prints the result for programs', () => {
    const ok = conclave('script', 'check', '--json', file('ok.yaml', toYaml(minimalScript())));
    assert.equal(ok.status, 0, ok.stderr);
    const out = JSON.parse(ok.stdout) as Record<string, unknown>;
    assert.deepEqual(out, { file: join(temp, 'ok.yaml'), ok: true, format: 'yaml', hash: scriptHash(parseScript(toYaml(minimalScript()))), ceremony: { id: 'root-2025', kind: 'root-key-generation', rehearsal: false }, steps: 11 });
    const bad = conclave('script', 'check', file('bad.json', '{"format": 1}'), '--json');
    assert.equal(bad.status, 1);
    const problems = (JSON.parse(bad.stdout) as { problems: Array<{ path: string; line: number }> }).problems;
    assert.deepEqual(problems[0], { path: 'format', message: 'expected conclave-ceremony-script; found 1', line: 1 });
    assert.ok(problems.length >= 6);
  });

  test('unreadable input: missing file, a folder, bytes that are not UTF-8; exit 1', () => {
    const missing = conclave('script', 'check', 'nowhere.yaml');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /There is no file .*nowhere\.yaml\./);
    const folder = conclave('script', 'check', temp);
    assert.equal(folder.status, 1);
    assert.match(folder.stderr, /is a folder, not a ceremony script/);
    const binary = conclave('script', 'check', file('latin1.yaml', Uint8Array.of(0x61, 0x3a, 0x20, 0xe9, 0x0a)));
    assert.equal(binary.status, 1);
    assert.match(binary.stderr, /is not UTF-8 text/);
  });

  test('usage errors exit 2; help explains the command', () => {
    for (const args of [['script'], ['script', 'lint', 'x.yaml'], ['script', 'check'], ['script', 'check', 'a.yaml', 'b.yaml'], ['script', 'check', '--strict', 'a.yaml']]) {
      const r = conclave(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^conclave: /);
    }
    const help = conclave('help', 'script');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: conclave script check FILE \[--json\]/);
    assert.match(conclave('--help').stdout, /^ {2}script {3}Check a ceremony script/m);
    assert.equal(conclave('script', 'check', '--help').status, 0);
  });
});
