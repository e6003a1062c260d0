// Small inline icons (no external assets under the CSP). Decorative: every icon sits
// beside a word that says the same thing, so they are hidden from assistive technology.
import type { ReactElement } from 'react';

export type IconName =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'unknown'
  | 'info'
  | 'refresh'
  | 'room'
  | 'usb'
  | 'attach'
  | 'detach'
  | 'chevron-right'
  | 'chevron-down'
  | 'module'
  | 'token'
  | 'off'
  | 'print'
  | 'lock'
  | 'people';

const paths: Record<IconName, ReactElement> = {
  pass: (
    <>
      <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="currentColor" strokeWidth="2.8" strokeLinecap="round" strokeLinejoin="round" />
    </>
  ),
  warn: (
    <>
      <path d="M12 2.8L22.2 20.5H1.8L12 2.8z" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinejoin="round" />
      <path d="M12 9v5.2" stroke="currentColor" strokeWidth="2.8" strokeLinecap="round" />
      <circle cx="12" cy="17.4" r="1.5" fill="currentColor" />
    </>
  ),
  fail: (
    <>
      <path d="M8 2h8l6 6v8l-6 6H8l-6-6V8z" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinejoin="round" />
      <path d="M8.5 8.5l7 7M15.5 8.5l-7 7" stroke="currentColor" strokeWidth="2.8" strokeLinecap="round" />
    </>
  ),
  unknown: (
    <>
      <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="2.5" strokeDasharray="3.2 2.4" />
      <path d="M9.2 9.3a2.9 2.9 0 1 1 4.2 2.6c-.9.5-1.4 1.1-1.4 2.1v.6" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
      <circle cx="12" cy="17.6" r="1.4" fill="currentColor" />
    </>
  ),
  info: (
    <>
      <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <path d="M12 11v6" stroke="currentColor" strokeWidth="2.8" strokeLinecap="round" />
      <circle cx="12" cy="7.4" r="1.5" fill="currentColor" />
    </>
  ),
  refresh: (
    <>
      <path d="M20 11a8 8 0 1 0-2.4 6.1" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
      <path d="M20.5 4.5V11h-6.5" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
    </>
  ),
  room: (
    <>
      <path d="M3 10.5L12 3l9 7.5V21H3z" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinejoin="round" />
      <path d="M9.5 21v-6h5v6" fill="none" stroke="currentColor" strokeWidth="2.4" />
    </>
  ),
  usb: (
    <>
      <path d="M12 2v16" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
      <path d="M9 5l3-3 3 3" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M12 14l-5-3V8M12 12l5-3V7" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinejoin="round" />
      <circle cx="12" cy="20" r="2" fill="currentColor" />
    </>
  ),
  attach: (
    <>
      <path d="M12 3v12" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
      <path d="M6.5 9.5L12 15l5.5-5.5" fill="none" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M4 20h16" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
    </>
  ),
  detach: (
    <>
      <path d="M12 15V3" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
      <path d="M6.5 8.5L12 3l5.5 5.5" fill="none" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M4 20h16" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" strokeDasharray="3 3" />
    </>
  ),
  'chevron-right': <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" strokeWidth="2.8" strokeLinecap="round" strokeLinejoin="round" />,
  'chevron-down': <path d="M5 9l7 7 7-7" fill="none" stroke="currentColor" strokeWidth="2.8" strokeLinecap="round" strokeLinejoin="round" />,
  module: (
    <>
      <rect x="4" y="4" width="16" height="16" rx="2" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <path d="M9 1.5V4M15 1.5V4M9 20v2.5M15 20v2.5M1.5 9H4M1.5 15H4M20 9h2.5M20 15h2.5" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
      <rect x="8.5" y="8.5" width="7" height="7" fill="currentColor" />
    </>
  ),
  off: (
    <>
      <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
      <path d="M7.5 12h9" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
    </>
  ),
  print: (
    <>
      <path d="M6 9V2.5h12V9" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinejoin="round" />
      <rect x="2.5" y="9" width="19" height="8.5" rx="2" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <path d="M6.5 14.5h11v7h-11z" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinejoin="round" />
    </>
  ),
  lock: (
    <>
      <rect x="4" y="10.5" width="16" height="11" rx="2" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <path d="M8 10.5V7a4 4 0 0 1 8 0v3.5" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <circle cx="12" cy="16" r="1.8" fill="currentColor" />
    </>
  ),
  people: (
    <>
      <circle cx="8.5" cy="8" r="3.2" fill="none" stroke="currentColor" strokeWidth="2.2" />
      <circle cx="16.5" cy="9" r="2.6" fill="none" stroke="currentColor" strokeWidth="2.2" />
      <path d="M2.5 20c0-3.6 2.7-6 6-6s6 2.4 6 6M14.5 14.6c.6-.2 1.3-.3 2-.3 2.8 0 5 2 5 5.2" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
    </>
  ),
  token: (
    <>
      <rect x="2.5" y="7" width="15" height="10" rx="2" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <path d="M17.5 10h4v4h-4" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinejoin="round" />
      <circle cx="7.5" cy="12" r="2" fill="currentColor" />
    </>
  ),
};

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={['icon', className].filter(Boolean).join(' ')} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      {paths[name]}
    </svg>
  );
}
