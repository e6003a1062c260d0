// The top of the status screen: what this is, when it was last updated, and the refresh.
import { Button } from '../../design';
import { formatUtcTime } from '../../format';
import { useStatus } from '../../stores/status-context';

export function PageHeader() {
  const updatedAt = useStatus((s) => s.updatedAt);
  const refreshing = useStatus((s) => s.pending.refresh);
  const refresh = useStatus((s) => s.refresh);
  return (
    <div className="page-header">
      <div className="page-header__titles">
        <h1>Workstation status</h1>
        <p className="page-header__meta">
          HSM, tokens, USB and the room, before any ceremony step.
          {updatedAt ? (
            <>
              {' '}
              Updated <time dateTime={updatedAt}>{formatUtcTime(updatedAt)}</time>.
            </>
          ) : null}
        </p>
      </div>
      <div className="page-header__actions">
        <Button variant="primary" icon="refresh" shortcut="R" busy={refreshing} busyLabel="Refreshing" onClick={() => void refresh()} data-testid="refresh">
          Refresh status
        </Button>
      </div>
    </div>
  );
}
