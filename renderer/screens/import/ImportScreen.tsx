// "Import a key bundle", for ops teams on their own machine: pin the root key and confirm
// its fingerprint words, load the bundle (file, folder of QR images, or the camera),
// review what it holds, choose the target token and type its PIN (or a folder for the
// AWS KMS files), import, and see the record. Each step opens once the one before holds.
import { Button } from '../../design';
import { useImport } from '../../stores/import-context';
import { BundleStep } from './BundleStep';
import { ImportRecordCard } from './ImportRecordCard';
import { ManifestReview } from './ManifestReview';
import { RootKeyStep } from './RootKeyStep';
import { TargetStep } from './TargetStep';

export function ImportScreen() {
  const view = useImport((s) => s.view);
  const reset = useImport((s) => s.reset);
  const pending = useImport((s) => s.pending);
  const confirmed = view?.root?.confirmed === true;
  return (
    <div className="import-screen" data-testid="import-screen">
      <div className="page-header">
        <div className="page-header__titles">
          <h1>Import a key bundle</h1>
          <p className="page-header__meta">
            Verify a bundle from a ceremony against its pinned root key, then unwrap it into your HSM, sensitive and never extractable, or hand it to AWS KMS. Every import keeps a record.
          </p>
        </div>
        {view?.root || view?.bundle ? (
          <div className="page-header__actions">
            <Button variant="quiet" icon="refresh" busy={pending === 'reset'} busyLabel="Clearing" onClick={() => void reset()} data-testid="import-reset">
              Start over
            </Button>
          </div>
        ) : null}
      </div>
      <RootKeyStep />
      {confirmed ? <BundleStep /> : null}
      {confirmed && view?.bundle ? <ManifestReview bundle={view.bundle} /> : null}
      {confirmed && view?.bundle && !view.record ? <TargetStep bundle={view.bundle} defaultRecordsDirectory={view.defaultRecordsDirectory} /> : null}
      {view?.record ? <ImportRecordCard record={view.record} /> : null}
    </div>
  );
}
