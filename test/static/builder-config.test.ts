import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './source-files';

// js-yaml and app-builder-lib come with electron-builder; they are used by this test only.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean }): Promise<void>;
};

type Config = Record<string, any>;
let config: Config;

before(() => {
  config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
});

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await validateConfiguration(config, { isEnabled: false });
  });

  it('names the app', () => {
    assert.equal(config.productName, 'Conclave');
    assert.match(String(config.appId), /^[a-z0-9]+(\.[a-z0-9-]+)+$/);
  });

  it('sets every fuse', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into asar with native addons unpacked', () => {
    assert.equal(config.asar, true);
    assert.ok(Array.isArray(config.asarUnpack) && config.asarUnpack.includes('**/*.node'), 'asarUnpack has **/*.node');
    assert.ok(config.files.includes('dist/**'));
    assert.ok(config.files.includes('package.json'));
    assert.ok(config.files.includes('!dist/test-bridge/**'), 'the browser-test bridge is not shipped');
    assert.notEqual(config.directories?.output ?? 'dist', 'dist', 'packages must not be written into the build output folder');
  });

  it('publishes nothing and has no auto-update', () => {
    assert.ok('publish' in config && config.publish === null, 'publish: null');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const section of ['dependencies', 'devDependencies']) {
      assert.ok(!pkg[section]?.['electron-updater'], `electron-updater is not in ${section}`);
    }
    assert.equal((pkg as Record<string, unknown>).build, undefined, 'no second builder configuration in package.json');
  });

  it('builds a Linux AppImage and a .deb', () => {
    const targets = (config.linux.target as (string | { target: string })[]).map((t) => (typeof t === 'string' ? t : t.target));
    assert.deepEqual([...targets].sort(), ['AppImage', 'deb']);
  });

  it('ships the udev rules and installs them from the .deb', () => {
    assert.ok(
      (config.extraResources as { from: string; to: string }[]).some((r) => r.from === 'assets/udev' && r.to === 'udev'),
      'extraResources copies assets/udev to resources/udev',
    );
    assert.ok(existsSync(join(ROOT, 'assets', 'udev', '70-conclave-hsm.rules')));
    assert.deepEqual(config.deb.recommends, ['softhsm2', 'opensc', 'pcscd']);

    const install = readFileSync(join(ROOT, config.deb.afterInstall), 'utf8');
    const remove = readFileSync(join(ROOT, config.deb.afterRemove), 'utf8');
    assert.match(install, /resources\/udev\/70-conclave-hsm\.rules/);
    assert.match(install, /install -m 0644 "\$CONCLAVE_UDEV_SOURCE" "\$CONCLAVE_UDEV_TARGET"/);
    assert.match(install, /udevadm control --reload-rules/);
    assert.match(remove, /rm -f \/usr\/lib\/udev\/rules\.d\/70-conclave-hsm\.rules/);
    // The scripts replace electron-builder's defaults, so they must keep what those do.
    assert.match(install, /chrome-sandbox/);
    assert.match(install, /update-alternatives --install/);
    assert.match(remove, /update-alternatives --remove/);
    // electron-builder substitutes ${name} macros and fails on unknown ones.
    for (const script of [install, remove]) {
      for (const [, name] of script.matchAll(/\$\{([a-zA-Z]+)\}/g)) {
        assert.ok(['executable', 'sanitizedProductName', 'productFilename'].includes(name!), `unknown template macro \${${name}}`);
      }
    }
  });
});
