// The application: the status, ceremony, quorum and verify stores over the API, the frame with
// the navigation between screens, and the current screen. Every store lives as long as
// the app, so switching screens never loses a setup or a login in progress.
import { useEffect, useState } from 'react';
import type { ConclaveApi } from '../preload/contract';
import { AppShell, LiveRegion, ScreenNav, useShortcuts, type ScreenNavItem, type Shortcut } from './design';
import { CeremonyScreen } from './screens/ceremony/CeremonyScreen';
import { ImportScreen } from './screens/import/ImportScreen';
import { WitnessScreen } from './screens/witness/WitnessScreen';
import { QuorumLoginScreen } from './screens/quorum/login/QuorumLoginScreen';
import { QuorumSetupScreen } from './screens/quorum/setup/QuorumSetupScreen';
import { StatusScreen } from './screens/status/StatusScreen';
import { VerifyScreen } from './screens/verify/VerifyScreen';
import { CeremonyStoreProvider, useCeremony } from './stores/ceremony-context';
import { ImportStoreProvider, useImport } from './stores/import-context';
import { createImportStore, type ImportStore } from './stores/import-store';
import { createCeremonyStore, type CeremonyStore } from './stores/ceremony-store';
import { QuorumStoresProvider, useQuorumLogin, useQuorumSetup } from './stores/quorum-context';
import { createQuorumLoginStore, type QuorumLoginStore } from './stores/quorum-login-store';
import { createQuorumSetupStore, type QuorumSetupStore } from './stores/quorum-setup-store';
import { StatusStoreProvider, useStatus } from './stores/status-context';
import { createStatusStore, type Announcement, type StatusStore } from './stores/status-store';
import { VerifyStoreProvider, useVerify } from './stores/verify-context';
import { createVerifyStore, type VerifyStore } from './stores/verify-store';

export type ScreenId = 'status' | 'ceremony' | 'witness' | 'quorum-setup' | 'quorum-login' | 'verify' | 'import';

const TITLES: Record<ScreenId, string> = {
  status: 'Workstation status',
  ceremony: 'Ceremony',
  witness: 'Witness',
  'quorum-setup': 'Quorum setup',
  'quorum-login': 'Quorum login',
  verify: 'Verify a ceremony',
  import: 'Import a bundle',
};

interface Announcing {
  subscribe(listener: (state: { announcement: Announcement }, previous: { announcement: Announcement }) => void): () => void;
}

/** One polite announcer for the whole app: the latest news from any store. */
function useLatestAnnouncement(status: StatusStore, setup: QuorumSetupStore, login: QuorumLoginStore, verify: VerifyStore, ceremony: CeremonyStore, imports: ImportStore): Announcement {
  const [latest, setLatest] = useState<Announcement>({ message: '', seq: 0 });
  useEffect(() => {
    let seq = 0;
    const stores: Announcing[] = [status, setup, login, verify, ceremony, imports];
    const unsubscribers = stores.map((store) =>
      store.subscribe((state, previous) => {
        if (state.announcement.seq !== previous.announcement.seq) setLatest({ message: state.announcement.message, seq: ++seq });
      }),
    );
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }, [status, setup, login, verify, ceremony, imports]);
  return latest;
}

function Frame({ announcement }: { announcement: Announcement }) {
  const [screen, setScreen] = useState<ScreenId>('status');
  const rehearsal = useStatus((s) => s.snapshot?.rehearsal.active ?? false);
  const refresh = useStatus((s) => s.refresh);
  const checkRoom = useStatus((s) => s.checkRoom);
  const setupView = useQuorumSetup((s) => s.view);
  const loginView = useQuorumLogin((s) => s.view);
  const verdict = useVerify((s) => s.result?.ok ?? null);
  const ceremony = useCeremony((s) => s.view);
  const imported = useImport((s) => (s.view?.record ? 'Imported' : s.view?.bundle ? 'Verified' : undefined));

  const statusShortcuts: Shortcut[] = [
    { key: 'r', description: 'Refresh status', run: () => void refresh() },
    { key: 'c', description: 'Check the room again', run: () => void checkRoom() },
  ];
  const shortcuts = screen === 'status' ? statusShortcuts : [];
  useShortcuts(shortcuts);

  const items: Array<ScreenNavItem<ScreenId>> = [
    { id: 'status', label: TITLES.status },
    {
      id: 'ceremony',
      label: TITLES.ceremony,
      note: ceremony
        ? ceremony.status === 'sealed'
          ? 'Sealed'
          : ceremony.status === 'aborted'
            ? 'Aborted'
            : ceremony.exception
              ? 'Exception'
              : ceremony.current
                ? `Step ${ceremony.current.index} of ${ceremony.steps.length}`
                : undefined
        : undefined,
    },
    { id: 'witness', label: TITLES.witness, note: ceremony?.witness?.ready ? 'Signature requested' : undefined },
    {
      id: 'quorum-setup',
      label: TITLES['quorum-setup'],
      note:
        setupView && setupView.phase !== 'cancelled' && setupView.phase !== 'failed'
          ? setupView.phase === 'complete'
            ? 'Complete'
            : `${setupView.custodians.filter((c) => c.proven).length} of ${setupView.total} proven`
          : undefined,
    },
    {
      id: 'quorum-login',
      label: TITLES['quorum-login'],
      note: loginView && !loginView.ended ? (loginView.loggedIn ? 'Logged in' : `${loginView.present.length} present`) : undefined,
    },
    { id: 'verify', label: TITLES.verify, note: verdict === null ? undefined : verdict ? 'Verified' : 'Not verified' },
    { id: 'import', label: TITLES.import, note: imported },
  ];

  return (
    <AppShell rehearsal={rehearsal} screenTitle={TITLES[screen]} shortcuts={shortcuts} nav={<ScreenNav items={items} current={screen} onNavigate={setScreen} />}>
      {screen === 'status' ? (
        <StatusScreen />
      ) : screen === 'ceremony' ? (
        <CeremonyScreen onOpenWitness={() => setScreen('witness')} />
      ) : screen === 'witness' ? (
        <WitnessScreen onOpenRunner={() => setScreen('ceremony')} />
      ) : screen === 'quorum-setup' ? (
        <QuorumSetupScreen />
      ) : screen === 'quorum-login' ? (
        <QuorumLoginScreen />
      ) : screen === 'import' ? (
        <ImportScreen />
      ) : (
        <VerifyScreen />
      )}
      <LiveRegion message={announcement.message} seq={announcement.seq} />
    </AppShell>
  );
}

export function App({ api }: { api: ConclaveApi }) {
  const [status] = useState(() => createStatusStore(api));
  const [setup] = useState(() => createQuorumSetupStore(api));
  const [login] = useState(() => createQuorumLoginStore(api));
  const [verify] = useState(() => createVerifyStore(api));
  const [ceremony] = useState(() => createCeremonyStore(api));
  const [imports] = useState(() => createImportStore(api));
  useEffect(() => status.getState().start(), [status]);
  useEffect(() => login.getState().start(), [login]);
  useEffect(() => ceremony.getState().start(), [ceremony]);
  useEffect(() => void imports.getState().start(), [imports]);
  const announcement = useLatestAnnouncement(status, setup, login, verify, ceremony, imports);
  return (
    <StatusStoreProvider store={status}>
      <CeremonyStoreProvider store={ceremony}>
        <QuorumStoresProvider setup={setup} login={login}>
          <VerifyStoreProvider store={verify}>
            <ImportStoreProvider store={imports}>
              <Frame announcement={announcement} />
            </ImportStoreProvider>
          </VerifyStoreProvider>
        </QuorumStoresProvider>
      </CeremonyStoreProvider>
    </StatusStoreProvider>
  );
}
