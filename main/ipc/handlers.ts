// Maps each contract channel onto the service that answers it: the status service for the
// room and the HSM, the quorum service for setup, login and re-share, the ceremony
// service for the ceremony runner and the witnesses. The router has
// already checked the sender and parsed the request, so these stay one line each.
import { DomainError } from '../../native/errors';
import { verifyCeremonyView } from '../ceremony/folder/verify-view';
import type { ImportService } from '../bundle/import/import-service';
import type { CeremonyService } from '../ceremony/session';
import type { QuorumService } from '../quorum/quorum-service';
import type { StatusService } from '../status/types';
import type { Handlers } from './router';

export interface AppServices {
  status: StatusService;
  /** Without it (status-only hosts such as some tests) every quorum channel answers QUORUM_UNAVAILABLE. */
  quorum?: QuorumService | null;
  /** Without it every ceremony and witness channel answers CEREMONY_UNAVAILABLE. */
  ceremony?: CeremonyService | null;
  /** Without it every bundle import channel answers IMPORT_UNAVAILABLE. */
  imports?: ImportService | null;
}

function quorumUnavailable(): DomainError {
  return new DomainError({
    code: 'QUORUM_UNAVAILABLE',
    message: 'The quorum service is not running in this Conclave process.',
    action: 'Restart Conclave; if it happens again, report it.',
  });
}

function ceremonyUnavailable(): DomainError {
  return new DomainError({
    code: 'CEREMONY_UNAVAILABLE',
    message: 'The ceremony service is not running in this Conclave process.',
    action: 'Restart Conclave; if it happens again, report it.',
  });
}

function importUnavailable(): DomainError {
  return new DomainError({
    code: 'IMPORT_UNAVAILABLE',
    message: 'The bundle import service is not running in this Conclave process.',
    action: 'Restart Conclave; if it happens again, report it.',
  });
}

function isStatusService(value: StatusService | AppServices): value is StatusService {
  return typeof (value as Partial<StatusService>).getStatus === 'function';
}

export function handlersFor(services: StatusService | AppServices): Handlers {
  const { status, quorum = null, ceremony = null, imports = null } = isStatusService(services) ? { status: services } : services;
  const q = (): QuorumService => {
    if (!quorum) throw quorumUnavailable();
    return quorum;
  };
  const i = (): ImportService => {
    if (!imports) throw importUnavailable();
    return imports;
  };
  const c = (): CeremonyService => {
    if (!ceremony) throw ceremonyUnavailable();
    return ceremony;
  };
  return {
    getStatus: () => status.getStatus(),
    checkRoom: () => status.checkRoom(),
    listModuleCandidates: () => status.listModuleCandidates(),
    useModule: ({ path }) => status.useModule(path),
    refreshTokens: () => status.refreshTokens(),
    getMechanisms: ({ slotId }) => status.getMechanisms(slotId),
    quorumCalibrate: (r) => q().quorumCalibrate(r),
    quorumSetupBegin: (r) => q().quorumSetupBegin(r),
    quorumSetupSeal: (r) => q().quorumSetupSeal(r),
    quorumSetupSave: (r) => q().quorumSetupSave(r),
    quorumEnvelopeQr: (r) => q().quorumEnvelopeQr(r),
    quorumSetupProve: (r) => q().quorumSetupProve(r),
    quorumSetupComplete: (r) => q().quorumSetupComplete(r),
    quorumSetupCancel: (r) => q().quorumSetupCancel(r),
    quorumLoginBegin: (r) => q().quorumLoginBegin(r),
    quorumLoginPresent: (r) => q().quorumLoginPresent(r),
    quorumLoginAtDevice: (r) => q().quorumLoginAtDevice(r),
    quorumLoginCancel: (r) => q().quorumLoginCancel(r),
    quorumReshareBegin: (r) => q().quorumReshareBegin(r),
    quorumResharePresent: (r) => q().quorumResharePresent(r),
    quorumReshareCommit: (r) => q().quorumReshareCommit(r),
    inspectEnvelope: (r) => q().inspectEnvelope(r),
    // A pure function of the folder: it reads and never writes, so no service owns it.
    verifyCeremony: ({ directory }) => verifyCeremonyView(directory),
    ceremonyOpen: (r) => c().ceremonyOpen(r),
    ceremonyResume: (r) => c().ceremonyResume(r),
    ceremonyState: (r) => c().ceremonyState(r),
    ceremonyClose: (r) => c().ceremonyClose(r),
    ceremonyStartStep: (r) => c().ceremonyStartStep(r),
    ceremonyConfirm: (r) => c().ceremonyConfirm(r),
    ceremonyAcknowledge: (r) => c().ceremonyAcknowledge(r),
    ceremonyPerform: (r) => c().ceremonyPerform(r),
    ceremonyComplete: (r) => c().ceremonyComplete(r),
    ceremonyResolveException: (r) => c().ceremonyResolveException(r),
    ceremonyOverrideAirGap: (r) => c().ceremonyOverrideAirGap(r),
    ceremonyRelogin: (r) => c().ceremonyRelogin(r),
    ceremonyFinalize: (r) => c().ceremonyFinalize(r),
    witnessReview: (r) => c().witnessReview(r),
    witnessSign: (r) => c().witnessSign(r),
    ceremonyInspectBackup: (r) => c().ceremonyInspectBackup(r),
    ceremonyListMedia: (r) => c().ceremonyListMedia(r),
    ceremonyBundleFrames: (r) => c().ceremonyBundleFrames(r),
    importState: (r) => i().importState(r),
    importPinRoot: (r) => i().importPinRoot(r),
    importConfirmRoot: (r) => i().importConfirmRoot(r),
    importLoad: (r) => i().importLoad(r),
    importScanFrame: (r) => i().importScanFrame(r),
    importScanReset: (r) => i().importScanReset(r),
    importRun: (r) => i().importRun(r),
    importReset: (r) => i().importReset(r),
  };
}
