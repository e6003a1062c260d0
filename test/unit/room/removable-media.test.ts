import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { parseMounts, probeRemovableMedia } from '../../../native/probes/removable-media';
import { removableMediaCheck } from '../../../main/room/room-checks';
import { sanDiskStick, sdCard, systemDisk } from './fake-block-devices';
import { fakeTree, type Entry } from './fake-tree';

const USB_DEV2 = 'devices/pci0000:00/0000:00:14.0/usb2/2-1';
const SDC = `${USB_DEV2}/2-1:1.0/host7/target7:0:0/7:0:0:0/block/sdc`;
const DM0 = 'devices/virtual/block/dm-0';

const machine: Record<string, Entry> = {
  'proc/self/mounts': [
    'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0',
    '/dev/vda / ext4 rw,relatime 0 0',
    '/dev/sdb1 /media/officer/CEREMONY\\040KEYS vfat rw,nosuid,nodev,relatime,uid=1000 0 0',
    '/dev/mmcblk0p1 /media/officer/SD ext4 ro,nosuid,nodev,relatime 0 0',
    '/dev/mapper/luks-ceremony /media/officer/SEALED ext4 rw,nosuid,nodev 0 0',
    'tmpfs /run tmpfs rw,nosuid,nodev 0 0',
  ].join('\n'),
  // USB stick: removable, under a USB controller, serial on the USB device.
  ...sanDiskStick(),
  // The system disk: not removable, not USB.
  ...systemDisk({ partition: false }),
  // An SD card in a built-in reader: removable flag 0, but the card type says SD.
  ...sdCard(),
  'run/udev/data/b179:0': 'S:disk/by-id/mmc-SD64G_0x1234abcd\nE:ID_SERIAL=SD64G_0x1234abcd\nE:ID_SERIAL_SHORT=0x1234abcd\n',
  'run/udev/data/b179:1': 'E:ID_FS_LABEL=witness_sd\nE:ID_FS_TYPE=ext4\n',
  // A LUKS-encrypted stick: mounted as dm-0, whose slave is sdc1 on a USB disk.
  [`sys/${USB_DEV2}/idVendor`]: '0951\n',
  [`sys/${USB_DEV2}/serial`]: 'KINGSTON-0042\n',
  [`sys/${SDC}/removable`]: '1\n',
  [`sys/${SDC}/size`]: '30031872\n',
  [`sys/${SDC}/sdc1/size`]: '30029824\n',
  'sys/block/sdc': { link: `../${SDC}` },
  [`sys/${DM0}/removable`]: '0\n',
  [`sys/${DM0}/size`]: '29996032\n',
  [`sys/${DM0}/slaves/sdc1`]: { link: `../../../../../${SDC}/sdc1` },
  'sys/block/dm-0': { link: `../${DM0}` },
  'dev/dm-0': '',
  'dev/mapper/luks-ceremony': { link: '../dm-0' },
  'dev/disk/by-label/CEREMONY\\x20KEYS': { link: '../../sdb1' },
};

const t = fakeTree(machine);
after(() => t.remove());
const roots = { procRoot: t.path('proc'), sysRoot: t.path('sys'), devRoot: t.path('dev'), runRoot: t.path('run') };

describe('removable media probe', () => {
  test('parses the mount table, undoing the kernel octal escapes', () => {
    const mounts = parseMounts('/dev/sdb1 /media/a\\040b\\011c vfat rw,ro 0 0\nbroken line\n');
    assert.deepEqual(mounts, [{ device: '/dev/sdb1', mountPoint: '/media/a b\tc', fsType: 'vfat', options: ['rw', 'ro'] }]);
  });

  test('finds the USB stick and the SD card, not the system disk, with their facts', () => {
    const report = probeRemovableMedia(roots);
    assert.equal(report.mountsVisible, true);
    assert.equal(report.blockVisible, true);
    assert.deepEqual(report.media.map((m) => m.device), ['/dev/sdb1', '/dev/mmcblk0p1', '/dev/mapper/luks-ceremony']);

    const stick = report.media[0]!;
    assert.equal(stick.disk, 'sdb');
    assert.equal(stick.mountPoint, '/media/officer/CEREMONY KEYS');
    assert.equal(stick.fsType, 'vfat');
    assert.equal(stick.readOnly, false);
    assert.equal(stick.sizeBytes, 60061696 * 512);
    assert.equal(stick.label, 'CEREMONY KEYS');
    assert.equal(stick.serial, '4C530001230101116093');
    assert.equal(stick.vendor, 'SanDisk');
    assert.equal(stick.model, 'Cruzer Blade');
    assert.equal(stick.usb, true);
    assert.equal(stick.removable, true);

    const card = report.media[1]!;
    assert.equal(card.disk, 'mmcblk0');
    assert.equal(card.readOnly, true);
    assert.equal(card.usb, false);
    assert.equal(card.label, 'witness_sd');
    assert.equal(card.serial, '0x1234abcd');

    const sealed = report.media[2]!;
    assert.equal(sealed.disk, 'dm-0');
    assert.equal(sealed.usb, true, 'judged by the USB disk under the device-mapper layer');
    assert.equal(sealed.removable, true);
    assert.equal(sealed.serial, 'KINGSTON-0042');
    assert.equal(sealed.sizeBytes, 29996032 * 512);
  });

  test('the check lists every medium with label, size and serial', () => {
    const check = removableMediaCheck(probeRemovableMedia(roots));
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /\/dev\/sdb1 at \/media\/officer\/CEREMONY KEYS \(label CEREMONY KEYS, 30\.8 GB, vfat, USB, SanDisk Cruzer Blade, serial 4C530001230101116093\)/);
    assert.match(check.reason, /\/dev\/mmcblk0p1 .*read-only/);
  });

  test('no removable media mounted warns with what to do', () => {
    const bare = fakeTree({ 'proc/self/mounts': '/dev/vda / ext4 rw 0 0\n', ...systemDisk({ partition: false }) });
    try {
      const report = probeRemovableMedia({ procRoot: bare.path('proc'), sysRoot: bare.path('sys'), devRoot: bare.path('dev') });
      assert.deepEqual(report.media, []);
      const check = removableMediaCheck(report);
      assert.equal(check.status, 'warn');
      assert.match(check.reason, /No removable media is mounted/);
      assert.match(check.action, /Insert and mount/);
    } finally {
      bare.remove();
    }
  });

  test('an unreadable mount table warns instead of claiming there is no media', () => {
    const check = removableMediaCheck(probeRemovableMedia({ procRoot: '/nonexistent', sysRoot: t.path('sys') }));
    assert.equal(check.status, 'warn');
    assert.match(check.reason, /\/proc\/self\/mounts could not be read/);
  });

  test('runs for real on this machine', () => {
    const report = probeRemovableMedia();
    assert.equal(report.mountsVisible, true);
    for (const m of report.media) {
      assert.ok(m.device.startsWith('/dev/'));
      assert.ok(m.usb || m.removable || m.disk.startsWith('mmcblk'));
    }
    const check = removableMediaCheck(report);
    assert.equal(check.status, report.media.length > 0 ? 'pass' : 'warn');
  });
});
