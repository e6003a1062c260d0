// The mounted removable media an operator can choose from, with their facts in words
// and, when the ceremony has a media allow-list, whether each one is on it.
import { probeRemovableMedia, type RemovableMedium, type RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import { isAllowed, type MediaAllowList } from './allow-list';
import { describeRemovable } from './describe-medium';

export interface ListedMedium extends RemovableMedium {
  description: string;
  /** Whether the allow-list names this medium's serial; null when there is no allow-list. */
  allowed: boolean | null;
}

export interface MediaListing {
  /** False when the mount table or /sys/block could not be read: then no medium can be seen. */
  visible: boolean;
  media: ListedMedium[];
}

export function listRemovableMedia(options: { probe?: RemovableMediaProbeOptions; allowList?: MediaAllowList | null } = {}): MediaListing {
  const report = probeRemovableMedia(options.probe ?? {});
  const allowList = options.allowList && options.allowList.length > 0 ? options.allowList : null;
  return {
    visible: report.mountsVisible && report.blockVisible,
    media: report.media.map((m) => ({ ...m, description: describeRemovable(m), allowed: allowList ? isAllowed(m.serial, allowList) : null })),
  };
}
