// Block devices as Linux describes them under /sys and /dev, for the fake machines
// (fake-tree.ts) of the removable-media tests. Each function gives one device's entries;
// where it is mounted, and what udev knows of it, stays with the test's own mount table.
import type { Entry } from './fake-tree';

export const STICK_SERIAL = '4C530001230101116093';

const USB_1_2 = 'devices/pci0000:00/0000:00:14.0/usb1/1-2';
const SDB = `${USB_1_2}/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb`;
const USB_1_3 = 'devices/pci0000:00/0000:00:14.0/usb1/1-3';
const SDD = `${USB_1_3}/1-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd`;
const VDA = 'devices/pci0000:00/0000:00:04.0/virtio1/block/vda';
const MMC = 'devices/pci0000:00/0000:00:1e.6/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0';

/** /dev/sdb1: a SanDisk USB stick, removable, its serial on the USB device above the disk. */
export function sanDiskStick(): Record<string, Entry> {
  return {
    [`sys/${USB_1_2}/idVendor`]: '0781\n',
    [`sys/${USB_1_2}/serial`]: `${STICK_SERIAL}\n`,
    [`sys/${SDB}/removable`]: '1\n',
    [`sys/${SDB}/size`]: '60063744\n',
    [`sys/${SDB}/dev`]: '8:16\n',
    [`sys/${SDB}/device/vendor`]: 'SanDisk \n',
    [`sys/${SDB}/device/model`]: 'Cruzer Blade    \n',
    [`sys/${SDB}/sdb1/size`]: '60061696\n',
    [`sys/${SDB}/sdb1/dev`]: '8:17\n',
    'sys/block/sdb': { link: `../${SDB}` },
    'dev/sdb1': '',
  };
}

/** /dev/sdd1: a removable USB stick whose USB device gives no serial. */
export function stickWithoutSerial(): Record<string, Entry> {
  return {
    [`sys/${SDD}/removable`]: '1\n',
    [`sys/${SDD}/size`]: '15630336\n',
    [`sys/${SDD}/sdd1/size`]: '15628288\n',
    'sys/block/sdd': { link: `../${SDD}` },
    'dev/sdd1': '',
  };
}

/** /dev/vda: the system disk, not removable and not USB; with `partition`, also /dev/vda2. */
export function systemDisk({ partition }: { partition: boolean }): Record<string, Entry> {
  return {
    [`sys/${VDA}/removable`]: '0\n',
    [`sys/${VDA}/size`]: '41943040\n',
    ...(partition ? { [`sys/${VDA}/vda2/size`]: '20971520\n' } : {}),
    'sys/block/vda': { link: `../${VDA}` },
    'dev/vda': '',
    ...(partition ? { 'dev/vda2': '' } : {}),
  };
}

/** /dev/mmcblk0p1: an SD card in a built-in reader; removable flag 0, but the card type says SD. */
export function sdCard(): Record<string, Entry> {
  return {
    [`sys/${MMC}/removable`]: '0\n',
    [`sys/${MMC}/size`]: '62333952\n',
    [`sys/${MMC}/dev`]: '179:0\n',
    [`sys/${MMC}/device/type`]: 'SD\n',
    [`sys/${MMC}/mmcblk0p1/size`]: '62332928\n',
    [`sys/${MMC}/mmcblk0p1/dev`]: '179:1\n',
    'sys/block/mmcblk0': { link: `../${MMC}` },
    'dev/mmcblk0p1': '',
  };
}
