// Which mounted file system a target folder is on, and whether that is a removable
// medium: the longest mount point that contains the folder's real path (the latest
// mount wins when one is mounted over another), matched against the removable media
// probe. A folder on a fixed disk mounted inside a stick's folder counts as fixed.
import { join } from 'node:path';
import { readText } from '../../../native/probes/fs-read';
import { parseMounts, type MountEntry, type RemovableMedium, type RemovableMediaProbeOptions, probeRemovableMedia } from '../../../native/probes/removable-media';

export interface TargetLocation {
  /** The folder's real path (symbolic links resolved). */
  directory: string;
  /** Whether the mount table and /sys/block could be read at all. */
  visible: boolean;
  /** The file system the folder is on, or null when no mount covers it (or none is visible). */
  mount: MountEntry | null;
  /** The removable medium behind that mount, or null when it is not one. */
  removable: RemovableMedium | null;
}

function contains(mountPoint: string, directory: string): boolean {
  if (mountPoint === '/') return true;
  return directory === mountPoint || directory.startsWith(`${mountPoint.replace(/\/+$/, '')}/`);
}

export function locateTarget(directory: string, probe: RemovableMediaProbeOptions = {}): TargetLocation {
  const mountsText = readText(join(probe.procRoot ?? '/proc', 'self', 'mounts'));
  const report = probeRemovableMedia(probe);
  const visible = mountsText !== null && report.mountsVisible && report.blockVisible;
  let mount: MountEntry | null = null;
  for (const entry of parseMounts(mountsText ?? '')) {
    if (contains(entry.mountPoint, directory) && (!mount || entry.mountPoint.length >= mount.mountPoint.length)) mount = entry;
  }
  const removable = mount ? (report.media.find((m) => m.mountPoint === mount!.mountPoint && m.device === mount!.device) ?? null) : null;
  return { directory, visible, mount, removable };
}
