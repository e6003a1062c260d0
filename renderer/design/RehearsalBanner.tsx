// Says why the app is in rehearsal mode and where the throwaway token lives, under the
// REHEARSAL mark. Shown at the top of every screen while rehearsal is active.
import { Icon } from './icons';

export interface RehearsalBannerProps {
  reason: string;
  tokenDirectory: string | null;
}

export function RehearsalBanner({ reason, tokenDirectory }: RehearsalBannerProps) {
  return (
    <section className="rehearsal-banner" aria-labelledby="rehearsal-banner-title" data-testid="rehearsal-banner">
      <Icon name="info" className="rehearsal-banner__icon" />
      <div className="rehearsal-banner__content">
        <h2 id="rehearsal-banner-title" className="rehearsal-banner__title">
          Rehearsal mode: nothing made here is valid for production
        </h2>
        <p className="rehearsal-banner__reason">{reason}</p>
        {tokenDirectory ? (
          <p className="rehearsal-banner__dir">
            Throwaway token directory: <code>{tokenDirectory}</code>
          </p>
        ) : null}
        <p className="rehearsal-banner__note">
          Everything produced is marked REHEARSAL and a production import refuses it. To run a real ceremony, choose the HSM&apos;s PKCS#11 module below.
        </p>
      </div>
    </section>
  );
}
