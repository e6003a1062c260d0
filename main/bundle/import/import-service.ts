// The app's import mode, for an ordinary networked machine: the operator pins the root
// public key and confirms its fingerprint words, loads a bundle (a file, a folder of QR
// images, or the frames the camera scan sent one by one), reviews the verified manifest,
// chooses the target token and types its PIN (sent once, used for one login, never kept),
// or a folder for the AWS KMS files; the import keeps a record. One import at a time;
// every command runs after the one before it has finished.
import { join } from 'node:path';
import type { ImportScan, ImportSource, ImportTarget, ImportView } from '../../../preload/contract';
import type { StatusService } from '../../status/types';
import { loadBundle, type BundleOrigin, type LoadedBundle } from './bundle-source';
import { importError } from './errors';
import { handOverToKms, importIntoToken, verifyCandidate, type ImportCandidate, type ImportContext } from './import-bundle';
import { isImportHsm, type ImportHsm } from './import-hsm';
import { importView, recordView, scanView, type ViewState } from './import-view';
import { currentOperator } from './operator';
import { QrScan } from './qr-scan';
import { checkRootFingerprint, readPinnedRoot, type PinnedRoot } from './root-pin';
import { targetBySlot } from './target-token';

export interface ImportService {
  importState(request: Record<string, never>): Promise<ImportView>;
  importPinRoot(request: { path: string }): Promise<ImportView>;
  importConfirmRoot(request: { fingerprint: string }): Promise<ImportView>;
  importLoad(request: { source: ImportSource; allowRehearsal: boolean }): Promise<ImportView>;
  importScanFrame(request: { text: string }): Promise<ImportScan>;
  importScanReset(request: Record<string, never>): Promise<ImportView>;
  importRun(request: { target: ImportTarget; recordsDirectory?: string | undefined; acceptOaepSha1?: boolean | undefined }): Promise<ImportView>;
  importReset(request: Record<string, never>): Promise<ImportView>;
}

export interface ImportServiceOptions {
  /** The HSM client with the target's module loaded (the status service's), or null when none is. */
  hsm: () => Promise<ImportHsm | null>;
  defaultRecordsDirectory: string;
  toolVersion: string;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

interface Loaded {
  candidate: ImportCandidate;
  origin: BundleOrigin;
}

export function createImportService(options: ImportServiceOptions): ImportService {
  const now = options.now ?? (() => new Date());
  let root: PinnedRoot | null = null;
  let rootConfirmed = false;
  let scan: QrScan | null = null;
  let loaded: Loaded | null = null;
  let record: ViewState['record'] = null;
  let queue: Promise<unknown> = Promise.resolve();

  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  const view = (): ImportView => {
    // The manifest shown is verified again now, so an expiry passing while the screen is open shows at once.
    let shown: ViewState['loaded'] = null;
    if (loaded) {
      try {
        shown = { verified: verifyCandidate(loaded.candidate, now()), origin: loaded.origin, allowRehearsal: loaded.candidate.allowRehearsal };
      } catch {
        loaded = null;
      }
    }
    return importView({ root, rootConfirmed, scan: scan?.progress() ?? null, loaded: shown, record, defaultRecordsDirectory: options.defaultRecordsDirectory });
  };

  const requireRoot = (): PinnedRoot => {
    if (!root) throw importError('IMPORT_NOT_READY', 'No root public key is pinned yet.', 'Give the root public key file (root-public.pem from the ceremony) first.');
    return root;
  };

  async function bundleFrom(source: ImportSource): Promise<LoadedBundle> {
    switch (source.kind) {
      case 'file':
        return loadBundle({ kind: 'file', path: source.path }, '/');
      case 'qr-folder':
        return loadBundle({ kind: 'qr-images', paths: [source.path] }, '/');
      case 'camera':
        if (!scan) throw importError('IMPORT_SOURCE_EMPTY', 'No camera scan has been started.', 'Start the camera and hold the animated QR code in front of it.');
        return scan.bundle();
    }
  }

  async function context(): Promise<Omit<ImportContext, 'recordsDirectory'>> {
    return { operator: currentOperator(options.env ?? process.env), toolVersion: options.toolVersion, via: 'app', confirmation: 'confirmed-on-screen', now };
  }

  return {
    importState: () => exclusive(async () => view()),

    importPinRoot: ({ path }) =>
      exclusive(async () => {
        const pinned = await readPinnedRoot(path, '/');
        root = pinned;
        rootConfirmed = false;
        loaded = null;
        record = null;
        return view();
      }),

    importConfirmRoot: ({ fingerprint }) =>
      exclusive(async () => {
        const pinned = requireRoot();
        checkRootFingerprint(pinned, fingerprint);
        rootConfirmed = true;
        return view();
      }),

    importLoad: ({ source, allowRehearsal }) =>
      exclusive(async () => {
        const pinned = requireRoot();
        loaded = null;
        record = null;
        const bytes = await bundleFrom(source);
        const candidate: ImportCandidate = { loaded: bytes, root: pinned, allowRehearsal, recipient: null };
        verifyCandidate(candidate, now());
        loaded = { candidate, origin: bytes.origin };
        return view();
      }),

    importScanFrame: ({ text }) =>
      exclusive(async () => {
        scan ??= new QrScan();
        return scanView(scan.receive(text));
      }),

    importScanReset: () =>
      exclusive(async () => {
        scan = new QrScan();
        return view();
      }),

    importRun: ({ target, recordsDirectory, acceptOaepSha1 }) =>
      exclusive(async () => {
        const pin = target.kind === 'token' ? new TextEncoder().encode(target.pin) : null;
        try {
          const pinned = requireRoot();
          if (!rootConfirmed) {
            throw importError('IMPORT_ROOT_NOT_CONFIRMED', `The root key's fingerprint words (${pinned.words.join(' ')}) have not been confirmed.`, 'Compare them with the ones the ceremony team published, and confirm them, before importing.');
          }
          if (!loaded) throw importError('IMPORT_NOT_READY', 'No verified bundle is loaded.', 'Load the bundle (a file, a QR folder, or the camera scan) first.');
          const ctx: ImportContext = { ...(await context()), recordsDirectory: recordsDirectory ?? options.defaultRecordsDirectory };
          if (target.kind === 'aws-kms') {
            record = recordView(await handOverToKms(loaded.candidate, ctx, target.outputDirectory));
          } else {
            const hsm = await options.hsm();
            if (!hsm) throw importError('IMPORT_HSM_UNSUITABLE', 'No PKCS#11 module is loaded, so no token can take the import.', 'Choose the target HSM\'s PKCS#11 module on the status screen first.');
            const token = await targetBySlot(hsm, target.slotId);
            const result = await importIntoToken(hsm, loaded.candidate, ctx, { token, pin: pin!, choices: { label: target.label ?? null, acceptOaepSha1: acceptOaepSha1 === true } });
            record = recordView(result);
          }
          scan = null;
          return view();
        } finally {
          pin?.fill(0);
        }
      }),

    importReset: () =>
      exclusive(async () => {
        root = null;
        rootConfirmed = false;
        scan = null;
        loaded = null;
        record = null;
        return view();
      }),
  };
}

/** The import service over the status service's HSM client (the module the status screen chose). */
export function importServiceForStatus(status: StatusService, options: { dataDir: string; toolVersion: string }): ImportService {
  return createImportService({
    defaultRecordsDirectory: join(options.dataDir, 'imports'),
    toolVersion: options.toolVersion,
    hsm: async () => {
      const active = await status.activeHsm();
      if (!active) return null;
      if (!isImportHsm(active.port)) {
        throw importError('IMPORT_HSM_UNSUITABLE', 'The HSM connection in use cannot log in or unwrap keys, so no import can use it.', 'This is a fault in how Conclave was started; report it.');
      }
      return active.port;
    },
  });
}
