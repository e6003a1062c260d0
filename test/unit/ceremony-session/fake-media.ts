// A machine with removable media for the media listing tests: a fake /proc, /sys, /dev
// and /run tree (test/unit/room/fake-tree.ts) whose mount table names real folders — a
// labelled USB stick with a serial, a USB stick whose serial cannot be read, and a fixed
// disk — as the removable-media probe reads them.
import type { RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import { fakeTree, type Entry } from '../room/fake-tree';

export const STICK_SERIAL = '4C530001230101116093';
export const STICK_LABEL = 'CEREMONY KEYS';

export interface FakeMedia {
  probe: RemovableMediaProbeOptions;
  remove(): void;
}

const USB_DEV = 'devices/pci0000:00/0000:00:14.0/usb1/1-2';
const SDB = `${USB_DEV}/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb`;
const USB_DEV3 = 'devices/pci0000:00/0000:00:14.0/usb1/1-3';
const SDD = `${USB_DEV3}/1-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd`;
const VDA = 'devices/pci0000:00/0000:00:04.0/virtio1/block/vda';

const escape = (path: string) => path.replace(/\\/g, '\\134').replace(/ /g, '\\040');

/** `stick`, `noSerial` and `fixed` are existing folders, mounted in the fake table as a labelled USB stick, a stick without a serial, and a fixed disk. */
export function fakeMedia(mounts: { stick: string; noSerial: string; fixed: string }): FakeMedia {
  const machine: Record<string, Entry> = {
    'proc/self/mounts': [
      '/dev/vda / ext4 rw,relatime 0 0',
      `/dev/sdb1 ${escape(mounts.stick)} vfat rw,nosuid,nodev,relatime,uid=1000 0 0`,
      `/dev/sdd1 ${escape(mounts.noSerial)} exfat rw,relatime 0 0`,
      `/dev/vda2 ${escape(mounts.fixed)} ext4 rw,relatime 0 0`,
    ].join('\n'),
    [`sys/${USB_DEV}/idVendor`]: '0781\n',
    [`sys/${USB_DEV}/serial`]: `${STICK_SERIAL}\n`,
    [`sys/${SDB}/removable`]: '1\n',
    [`sys/${SDB}/size`]: '60063744\n',
    [`sys/${SDB}/dev`]: '8:16\n',
    [`sys/${SDB}/device/vendor`]: 'SanDisk \n',
    [`sys/${SDB}/device/model`]: 'Cruzer Blade    \n',
    [`sys/${SDB}/sdb1/size`]: '60061696\n',
    [`sys/${SDB}/sdb1/dev`]: '8:17\n',
    'sys/block/sdb': { link: `../${SDB}` },
    [`sys/${SDD}/removable`]: '1\n',
    [`sys/${SDD}/size`]: '15630336\n',
    [`sys/${SDD}/sdd1/size`]: '15628288\n',
    'sys/block/sdd': { link: `../${SDD}` },
    [`sys/${VDA}/removable`]: '0\n',
    [`sys/${VDA}/size`]: '41943040\n',
    [`sys/${VDA}/vda2/size`]: '20971520\n',
    'sys/block/vda': { link: `../${VDA}` },
    'dev/sdb1': '',
    'dev/sdd1': '',
    'dev/vda': '',
    'dev/vda2': '',
    [`dev/disk/by-label/${STICK_LABEL.replace(/ /g, '\\x20')}`]: { link: '../../sdb1' },
  };
  const tree = fakeTree(machine);
  return {
    probe: { procRoot: tree.path('proc'), sysRoot: tree.path('sys'), devRoot: tree.path('dev'), runRoot: tree.path('run') },
    remove: () => tree.remove(),
  };
}
