// The names on the wire, kept apart from the schemas so the sandboxed preload bundles
// only these strings and not the schema library. contract.ts checks at compile time
// that these lists and its tables name exactly the same channels and events.

export const CHANNEL_NAMES = [
  'getStatus',
  'checkRoom',
  'listModuleCandidates',
  'useModule',
  'refreshTokens',
  'getMechanisms',
  'quorumCalibrate',
  'quorumSetupBegin',
  'quorumSetupSeal',
  'quorumSetupSave',
  'quorumEnvelopeQr',
  'quorumSetupProve',
  'quorumSetupComplete',
  'quorumSetupCancel',
  'quorumLoginBegin',
  'quorumLoginPresent',
  'quorumLoginAtDevice',
  'quorumLoginCancel',
  'quorumReshareBegin',
  'quorumResharePresent',
  'quorumReshareCommit',
  'inspectEnvelope',
  'verifyCeremony',
  'ceremonyOpen',
  'ceremonyResume',
  'ceremonyState',
  'ceremonyClose',
  'ceremonyStartStep',
  'ceremonyConfirm',
  'ceremonyAcknowledge',
  'ceremonyPerform',
  'ceremonyComplete',
  'ceremonyResolveException',
  'ceremonyOverrideAirGap',
  'ceremonyRelogin',
  'ceremonyFinalize',
  'witnessReview',
  'witnessSign',
  'ceremonyInspectBackup',
  'ceremonyListMedia',
  'ceremonyBundleFrames',
  'importState',
  'importPinRoot',
  'importConfirmRoot',
  'importLoad',
  'importScanFrame',
  'importScanReset',
  'importRun',
  'importReset',
] as const;

export const EVENT_NAMES = ['usbChanged', 'statusChanged', 'quorumChanged', 'ceremonyChanged'] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];
export type EventNameOnWire = (typeof EVENT_NAMES)[number];

/** The IPC channel string used on the wire for a contract channel or event. */
export const ipcChannel = (name: ChannelName | EventNameOnWire): string => `conclave:${name}`;
