// One polite live region per screen for background news ("USB: YubiHSM 2 attached").
// The key forces a fresh node so a repeated message is announced again.
export function LiveRegion({ message, seq }: { message: string; seq: number }) {
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      <span key={seq}>{message}</span>
    </div>
  );
}
