// The application: one status store over the API, the frame, and the status screen.
import { useEffect, useState } from 'react';
import type { ConclaveApi } from '../preload/contract';
import { AppShell, LiveRegion, useShortcuts, type Shortcut } from './design';
import { StatusScreen } from './screens/status/StatusScreen';
import { StatusStoreProvider, useStatus } from './stores/status-context';
import { createStatusStore } from './stores/status-store';

function Frame() {
  const rehearsal = useStatus((s) => s.snapshot?.rehearsal.active ?? false);
  const announcement = useStatus((s) => s.announcement);
  const refresh = useStatus((s) => s.refresh);
  const checkRoom = useStatus((s) => s.checkRoom);
  const shortcuts: Shortcut[] = [
    { key: 'r', description: 'Refresh status', run: () => void refresh() },
    { key: 'c', description: 'Check the room again', run: () => void checkRoom() },
  ];
  useShortcuts(shortcuts);
  return (
    <AppShell rehearsal={rehearsal} screenTitle="Workstation status" shortcuts={shortcuts}>
      <StatusScreen />
      <LiveRegion message={announcement.message} seq={announcement.seq} />
    </AppShell>
  );
}

export function App({ api }: { api: ConclaveApi }) {
  const [store] = useState(() => createStatusStore(api));
  useEffect(() => store.getState().start(), [store]);
  return (
    <StatusStoreProvider store={store}>
      <Frame />
    </StatusStoreProvider>
  );
}
