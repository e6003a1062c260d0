// The first screen: is this workstation fit for a ceremony? Module, tokens, USB and the
// room, kept current by live events from main.
import { Button, ErrorBanner, Progress, RehearsalBanner } from '../../design';
import { useStatus } from '../../stores/status-context';
import { ModuleSection } from './ModuleSection';
import { PageHeader } from './PageHeader';
import { RoomSection } from './RoomSection';
import { SummaryStrip } from './SummaryStrip';
import { TokensSection } from './TokensSection';
import { UsbSection } from './UsbSection';

export function StatusScreen() {
  const snapshot = useStatus((s) => s.snapshot);
  const loadError = useStatus((s) => s.errors.load);
  const refreshError = useStatus((s) => s.errors.refresh);
  const load = useStatus((s) => s.load);
  const refresh = useStatus((s) => s.refresh);
  const loading = useStatus((s) => s.pending.load);

  if (!snapshot) {
    return (
      <div className="status-screen">
        <h1>Workstation status</h1>
        {loadError ? (
          <ErrorBanner
            title="The status of this workstation could not be loaded"
            error={loadError}
            actions={
              <Button variant="primary" icon="refresh" busy={loading} busyLabel="Loading" onClick={() => void load()}>
                Try again
              </Button>
            }
          />
        ) : (
          <Progress label="Loading the status of this workstation" />
        )}
      </div>
    );
  }

  return (
    <div className="status-screen">
      <PageHeader />
      {snapshot.rehearsal.active ? <RehearsalBanner reason={snapshot.rehearsal.reason} tokenDirectory={snapshot.rehearsal.tokenDirectory} /> : null}
      {refreshError ? (
        <ErrorBanner
          title="The status could not be refreshed"
          error={refreshError}
          actions={
            <Button icon="refresh" onClick={() => void refresh()}>
              Try again
            </Button>
          }
        />
      ) : null}
      <SummaryStrip snapshot={snapshot} />
      <RoomSection room={snapshot.room} />
      <ModuleSection module={snapshot.module} moduleError={snapshot.moduleError} rehearsal={snapshot.rehearsal.active} />
      <TokensSection tokens={snapshot.tokens} moduleLoaded={snapshot.module !== null} />
      <UsbSection usb={snapshot.usb} />
    </div>
  );
}
