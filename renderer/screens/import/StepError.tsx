// The last error of one import step, shown inside that step's card.
import { ErrorBanner } from '../../design';
import { useImport } from '../../stores/import-context';
import type { ImportStep } from '../../stores/import-store';

export function StepError({ steps, title }: { steps: ImportStep[]; title: string }) {
  const error = useImport((s) => s.error);
  if (!error || !steps.includes(error.step)) return null;
  return (
    <div data-testid="import-error" data-code={error.value.code}>
      <ErrorBanner title={title} error={error.value} />
    </div>
  );
}
