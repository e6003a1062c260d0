// The media an export-bundle step may copy its bundle to, as the step card lists them:
// every mounted removable medium with its label, size and serial, and whether the step's
// allow-list names it. Only a listing for people to choose from: the engine checks the
// chosen folder again when it writes (removable, not read-only, on the allow-list).
import type { RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import type { CeremonyMedia } from '../../../preload/contract';
import { listRemovableMedia } from '../../bundle/media';
import { printable } from '../../bundle/media/describe-medium';
import type { StepOf } from '../script';

const MAX_LISTED = 64;

const clip = (value: string | null, max: number): string | null => (value === null ? null : printable(value).slice(0, max));

export function mediaForStep(step: StepOf<'export-bundle'>, probe: RemovableMediaProbeOptions = {}): CeremonyMedia {
  const allowList = step.params.mediaAllowList && step.params.mediaAllowList.length > 0 ? step.params.mediaAllowList : null;
  const listing = listRemovableMedia({ probe, allowList });
  return {
    visible: listing.visible,
    allowList: allowList ? allowList.map((s) => s.slice(0, 128)) : null,
    media: listing.media.slice(0, MAX_LISTED).map((m) => ({
      device: clip(m.device, 256) ?? '',
      // The folder itself, unaltered: it is what the engine is given to write into.
      mountPoint: m.mountPoint.slice(0, 4096),
      label: clip(m.label, 256),
      serial: clip(m.serial, 256),
      sizeBytes: m.sizeBytes !== null && Number.isSafeInteger(m.sizeBytes) && m.sizeBytes >= 0 ? m.sizeBytes : null,
      fsType: clip(m.fsType, 64) ?? '',
      readOnly: m.readOnly,
      description: m.description.slice(0, 256),
      allowed: m.allowed,
    })),
  };
}
