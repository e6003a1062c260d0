// Removable media for ceremony outputs (docs/removable-media.md): listing, an allow-list
// by serial, and verified atomic writes whose facts go into the transcript.
export { isAllowed, parseAllowList, type MediaAllowList } from './allow-list';
export { describeFixed, describeRemovable, mediumKind } from './describe-medium';
export { listRemovableMedia, type ListedMedium, type MediaListing } from './list-media';
export { locateTarget, type TargetLocation } from './locate-target';
export { writeToMedium, type MediumFacts, type MediumWrite, type WriteToMediumOptions } from './write-to-medium';
