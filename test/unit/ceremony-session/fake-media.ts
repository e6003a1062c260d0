// A machine with removable media for the media listing tests: a fake /proc, /sys, /dev
// and /run tree (test/unit/room/fake-tree.ts) whose mount table names real folders — a
// labelled USB stick with a serial, a USB stick whose serial cannot be read, and a fixed
// disk — as the removable-media probe reads them.
import type { RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import { sanDiskStick, stickWithoutSerial, systemDisk } from '../room/fake-block-devices';
import { fakeTree, type Entry } from '../room/fake-tree';

export { STICK_SERIAL } from '../room/fake-block-devices';
export const STICK_LABEL = 'CEREMONY KEYS';

export interface FakeMedia {
  probe: RemovableMediaProbeOptions;
  remove(): void;
}

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
    ...sanDiskStick(),
    ...stickWithoutSerial(),
    ...systemDisk({ partition: true }),
    [`dev/disk/by-label/${STICK_LABEL.replace(/ /g, '\\x20')}`]: { link: '../../sdb1' },
  };
  const tree = fakeTree(machine);
  return {
    probe: { procRoot: tree.path('proc'), sysRoot: tree.path('sys'), devRoot: tree.path('dev'), runRoot: tree.path('run') },
    remove: () => tree.remove(),
  };
}
