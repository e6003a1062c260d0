// Last line of defence: a rendering bug shows what happened and what to do instead of a
// blank window in the middle of a ceremony.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorBanner } from './Banner';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept for whoever opens the developer console on a test machine; never secrets here.
    console.warn('Conclave screen failed to render', error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="fatal">
          <ErrorBanner
            title="This screen failed to display"
            error={{
              code: 'RENDER_FAILED',
              message: this.state.error.message || 'An unexpected error stopped the screen from drawing.',
              action: 'Restart Conclave. The ceremony state is kept in the main process and nothing is lost; if it happens again, note the time and report it.',
            }}
          />
        </div>
      );
    }
    return this.props.children;
  }
}
