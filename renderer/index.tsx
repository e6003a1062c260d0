// Renderer entry: mount the app over window.conclave, or explain why it cannot start.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './design';
import { MissingBridge } from './MissingBridge';

const container = document.getElementById('root');
if (!container) throw new Error('Conclave: the page has no #root element; index.html is damaged.');

const api = window.conclave;
createRoot(container).render(
  <StrictMode>
    <ErrorBoundary>{api ? <App api={api} /> : <MissingBridge />}</ErrorBoundary>
  </StrictMode>,
);
