// Removable media: listing, the allow-list, which medium a folder is on, and verified
// atomic writes. The machine is a fake /proc, /sys, /dev and /run tree whose mount table
// names real temporary folders, so the writes themselves are real.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllowList } from '../../../main/bundle/media/allow-list';
import { listRemovableMedia } from '../../../main/bundle/media/list-media';
import { locateTarget } from '../../../main/bundle/media/locate-target';
import { writeToMedium } from '../../../main/bundle/media/write-to-medium';
import { sha256Hex } from '../../../main/files/atomic-write';
import { parseData } from '../../../main/transcript/entry-schema';
import { DomainError } from '../../../native/errors';
import { sanDiskStick, sdCard, stickWithoutSerial, systemDisk } from '../room/fake-block-devices';
import { fakeTree, type Entry } from '../room/fake-tree';

const places = realpathSync(mkdtempSync(join(tmpdir(), 'conclave-media-')));
after(() => rmSync(places, { recursive: true, force: true }));
const mountPoint = (name: string) => {
  const dir = join(places, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const USB = mountPoint('CEREMONY KEYS');
const SD = mountPoint('SD');
const FIXED = mountPoint('fixed');
const NOSERIAL = mountPoint('NOSERIAL');
const NESTED_FIXED = join(USB, 'scratch');
mkdirSync(NESTED_FIXED);
const escape = (path: string) => path.replace(/ /g, '\\040');

const machine: Record<string, Entry> = {
  'proc/self/mounts': [
    '/dev/vda / ext4 rw,relatime 0 0',
    `/dev/sdb1 ${escape(USB)} vfat rw,nosuid,nodev,relatime,uid=1000 0 0`,
    `/dev/mmcblk0p1 ${SD} ext4 ro,nosuid,nodev,relatime 0 0`,
    `/dev/vda2 ${FIXED} ext4 rw,relatime 0 0`,
    `/dev/vda2 ${escape(NESTED_FIXED)} ext4 rw,relatime 0 0`,
    `/dev/sdd1 ${NOSERIAL} exfat rw,relatime 0 0`,
  ].join('\n'),
  ...sanDiskStick(),
  ...stickWithoutSerial(),
  ...systemDisk({ partition: true }),
  ...sdCard(),
  'run/udev/data/b179:0': 'E:ID_SERIAL_SHORT=0x1234abcd\n',
  'dev/disk/by-label/CEREMONY\\x20KEYS': { link: '../../sdb1' },
};

const tree = fakeTree(machine);
after(() => tree.remove());
const probe = { procRoot: tree.path('proc'), sysRoot: tree.path('sys'), devRoot: tree.path('dev'), runRoot: tree.path('run') };
const BUNDLE = new TextEncoder().encode('{"format":"conclave-key-bundle"}');
let counter = 0;
const freshName = () => `bundle-${++counter}.bundle.json`;

async function refusedWith(promise: Promise<unknown>, code: string): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DomainError, (error as Error).message);
    assert.equal(error.code, code, error.message);
    assert.ok(error.action.length > 0);
    return error;
  }
  assert.fail(`expected ${code}, but the write succeeded`);
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.'));

describe('listing removable media', () => {
  test('lists the USB drive, the SD card and the stick without a serial, in words, not the fixed disk', () => {
    const listing = listRemovableMedia({ probe });
    assert.equal(listing.visible, true);
    assert.deepEqual(listing.media.map((m) => m.mountPoint).sort(), [USB, NOSERIAL, SD].sort());
    const usb = listing.media.find((m) => m.mountPoint === USB)!;
    assert.equal(usb.description, 'USB drive "CEREMONY KEYS" (SanDisk Cruzer Blade, 30.8 GB, vfat, serial 4C530001230101116093)');
    assert.equal(usb.allowed, null);
    assert.equal(listing.media.find((m) => m.mountPoint === SD)!.description, 'SD card /dev/mmcblk0p1 (31.9 GB, ext4, read-only, serial 0x1234abcd)');
    assert.match(listing.media.find((m) => m.mountPoint === NOSERIAL)!.description, /serial unknown/);
  });

  test('marks which media the allow-list names (serials compared without case)', () => {
    const listing = listRemovableMedia({ probe, allowList: parseAllowList(['4c530001230101116093']) });
    assert.deepEqual(
      listing.media.map((m) => [m.mountPoint, m.allowed]).sort(),
      [[USB, true], [NOSERIAL, false], [SD, false]].sort(),
    );
  });

  test('refuses an allow-list entry that is not a serial', () => {
    assert.throws(() => parseAllowList(['ok', '']), (e: DomainError) => e.code === 'MEDIA_ALLOW_LIST_INVALID' && e.message.includes('Entry 2'));
    assert.throws(() => parseAllowList([42]), (e: DomainError) => e.code === 'MEDIA_ALLOW_LIST_INVALID');
  });

  test('a folder is on the longest mount point holding it; a fixed disk mounted inside a stick counts as fixed', () => {
    assert.equal(locateTarget(join(USB, 'bundles'), probe).removable?.device, '/dev/sdb1');
    assert.equal(locateTarget(USB, probe).removable?.device, '/dev/sdb1');
    const nested = locateTarget(join(NESTED_FIXED, 'x'), probe);
    assert.equal(nested.mount?.device, '/dev/vda2');
    assert.equal(nested.removable, null);
    assert.equal(locateTarget(`${USB} 2`, probe).mount?.device, '/dev/vda', 'a sibling with a longer name is not inside');
  });
});

describe('writing to a medium', () => {
  test('writes atomically to the USB drive, reads back the SHA-256 and returns a valid media-written entry', async () => {
    const name = freshName();
    const result = await writeToMedium(USB, name, BUNDLE, { probe });
    assert.equal(result.path, join(USB, name));
    assert.deepEqual(new Uint8Array(readFileSync(result.path)), BUNDLE);
    assert.equal(result.sha256, sha256Hex(BUNDLE));
    assert.equal(result.bytes, BUNDLE.length);
    assert.equal(statSync(result.path).mode & 0o777, 0o644);
    assert.deepEqual(leftovers(USB), [], 'no temporary file left');
    assert.equal(result.medium.removable, true);
    assert.equal(result.medium.serial, '4C530001230101116093');
    assert.equal(result.medium.label, 'CEREMONY KEYS');
    assert.equal(result.medium.mountPoint, USB);
    const entry = parseData('media-written', result.entry);
    assert.ok(entry.ok, entry.ok ? '' : entry.problem);
    assert.equal(result.entry.medium, 'USB drive "CEREMONY KEYS" (SanDisk Cruzer Blade, 30.8 GB, vfat, serial 4C530001230101116093)');
  });

  test('writes into a subfolder of the medium, and through a symbolic link to it, recording the real path', async () => {
    const sub = join(USB, 'bundles');
    mkdirSync(sub, { recursive: true });
    const link = join(places, 'link-to-usb');
    symlinkSync(sub, link);
    const result = await writeToMedium(link, freshName(), BUNDLE, { probe });
    assert.ok(result.path.startsWith(`${sub}/`));
    assert.equal(result.medium.removable, true);
  });

  test('never overwrites: an existing file is refused and left as it was', async () => {
    const name = freshName();
    writeFileSync(join(USB, name), 'earlier');
    await refusedWith(writeToMedium(USB, name, BUNDLE, { probe }), 'FILE_EXISTS');
    assert.equal(readFileSync(join(USB, name), 'utf8'), 'earlier');
    assert.deepEqual(leftovers(USB), []);
  });

  test('refuses a fixed disk unless the operator confirmed it; then records it as confirmed', async () => {
    const name = freshName();
    const e = await refusedWith(writeToMedium(FIXED, name, BUNDLE, { probe }), 'MEDIUM_NOT_REMOVABLE');
    assert.match(e.message, /is on \/dev\/vda2 \(ext4, mounted at .*fixed\), which is not a removable medium/);
    assert.deepEqual(readdirSync(FIXED), [], 'nothing written');
    await refusedWith(writeToMedium(join(NESTED_FIXED), name, BUNDLE, { probe }), 'MEDIUM_NOT_REMOVABLE');

    const result = await writeToMedium(FIXED, name, BUNDLE, { probe, confirmNonRemovable: true });
    assert.equal(result.medium.removable, false);
    assert.equal(result.entry.medium, 'fixed disk /dev/vda2 (ext4), not removable: confirmed by the operator');
    assert.ok(parseData('media-written', result.entry).ok);
    // requireRemovable: false needs no confirmation.
    await writeToMedium(FIXED, freshName(), BUNDLE, { probe, requireRemovable: false });
  });

  test('when the mount table cannot be read, nothing counts as removable', async () => {
    const blind = { ...probe, procRoot: join(places, 'no-proc') };
    const e = await refusedWith(writeToMedium(USB, freshName(), BUNDLE, { probe: blind }), 'MEDIUM_NOT_REMOVABLE');
    assert.match(e.message, /cannot tell what medium/);
  });

  test('refuses a read-only medium', async () => {
    await refusedWith(writeToMedium(SD, freshName(), BUNDLE, { probe }), 'MEDIUM_READ_ONLY');
  });

  test('with an allow-list: writes to a listed medium, refuses others, one without a serial, and a fixed disk', async () => {
    const allowList = ['4C530001230101116093'];
    await writeToMedium(USB, freshName(), BUNDLE, { probe, allowList });
    await refusedWith(writeToMedium(NOSERIAL, freshName(), BUNDLE, { probe, allowList }), 'MEDIUM_SERIAL_UNKNOWN');
    const e = await refusedWith(writeToMedium(USB, freshName(), BUNDLE, { probe, allowList: ['OTHER-SERIAL'] }), 'MEDIUM_NOT_ALLOWED');
    assert.match(e.message, /USB drive "CEREMONY KEYS".*not on the ceremony's media allow-list/);
    await refusedWith(writeToMedium(FIXED, freshName(), BUNDLE, { probe, allowList, confirmNonRemovable: true }), 'MEDIUM_NOT_ALLOWED');
    assert.deepEqual(readdirSync(NOSERIAL), []);
  });

  test('refuses file names that are not one plain name', async () => {
    for (const name of ['', '.hidden', '..', 'a/b', '../escape', 'tab\tname', 'con:1', ' padded', 'x'.repeat(256)]) {
      await refusedWith(writeToMedium(USB, name, BUNDLE, { probe }), 'MEDIUM_FILE_NAME_INVALID');
    }
    assert.deepEqual(leftovers(USB), []);
  });

  test('refuses a missing or relative target folder', async () => {
    await refusedWith(writeToMedium(join(USB, 'missing'), freshName(), BUNDLE, { probe }), 'DIRECTORY_NOT_FOUND');
    await refusedWith(writeToMedium('relative/dir', freshName(), BUNDLE, { probe }), 'PATH_NOT_ABSOLUTE');
    const file = join(USB, freshName());
    writeFileSync(file, 'x');
    await refusedWith(writeToMedium(file, freshName(), BUNDLE, { probe }), 'DIRECTORY_NOT_FOUND');
  });

  test('refuses a target whose path could not be recorded in the transcript', async () => {
    const odd = join(USB, 'line\nbreak');
    mkdirSync(odd);
    const e = await refusedWith(writeToMedium(odd, freshName(), BUNDLE, { probe }), 'MEDIUM_PATH_UNSUITABLE');
    assert.match(e.message, /Nothing was written/);
    assert.deepEqual(readdirSync(odd), []);
  });
});
