// Semantics of the design-system components, rendered to markup with react-dom/server.
// How they look and behave under a keyboard is tested in Chromium (test/browser).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderToStaticMarkup } from 'react-dom/server';
import { formatBytes, formatMemory, formatUtcTime, slotTitle, tokenStateView } from '../../../renderer/format';
import { loadRendererModule } from './load-renderer';

const { AppShell, Banner, Button, DataTable, ErrorBanner, Fingerprint, groupHex, KeyValueList, Progress, StatusBadge } =
  loadRendererModule<typeof import('../../../renderer/design')>('renderer/design/index.ts');

describe('design system', () => {
  it('StatusBadge always carries a word beside its icon', () => {
    for (const tone of ['pass', 'warn', 'fail', 'unknown', 'info'] as const) {
      const html = renderToStaticMarkup(<StatusBadge tone={tone} />);
      assert.match(html, /<svg[^>]*aria-hidden="true"/);
      assert.match(html, /class="badge__label">(Pass|Warning|Fail|Unknown|Note)</);
    }
    assert.match(renderToStaticMarkup(<StatusBadge tone="fail" label="User PIN locked" />), />User PIN locked</);
  });

  it('Banner interrupts only for failures', () => {
    assert.match(renderToStaticMarkup(<Banner tone="fail" title="x" />), /role="alert"/);
    for (const tone of ['pass', 'warn', 'info'] as const) assert.match(renderToStaticMarkup(<Banner tone={tone} title="x" />), /role="status"/);
  });

  it('ErrorBanner shows the message, what to do, and the code', () => {
    const html = renderToStaticMarkup(<ErrorBanner title="Could not load" error={{ code: 'PIN_LOCKED', message: 'The user PIN is locked.', action: 'Ask the SO to unlock it.' }} />);
    assert.match(html, /role="alert"/);
    assert.match(html, /The user PIN is locked\./);
    assert.match(html, /What to do: <\/strong>Ask the SO to unlock it\./);
    assert.match(html, /<code>PIN_LOCKED<\/code>/);
  });

  it('Button is a real button with its shortcut declared, and busy blocks it', () => {
    const html = renderToStaticMarkup(
      <Button shortcut="R" busy busyLabel="Refreshing">
        Refresh
      </Button>,
    );
    assert.match(html, /^<button type="button"/);
    assert.match(html, /aria-keyshortcuts="R"/);
    assert.match(html, /aria-busy="true"/);
    assert.match(html, />Refreshing</);
  });

  it('DataTable has a caption, column headers with scope and row headers', () => {
    const html = renderToStaticMarkup(
      <DataTable
        caption="Checks"
        columns={[
          { key: 'a', header: 'Name', rowHeader: true, render: (r: { a: string; b: string }) => r.a },
          { key: 'b', header: 'Value', render: (r: { a: string; b: string }) => r.b },
        ]}
        rows={[{ a: 'clock', b: 'UTC' }]}
        rowKey={(r) => r.a}
        rowId={(r) => r.a}
      />,
    );
    assert.match(html, /<caption[^>]*>Checks<\/caption>/);
    assert.match(html, /<th scope="col"[^>]*>Name<\/th>/);
    assert.match(html, /<tr data-row-id="clock"><th scope="row"[^>]*>clock<\/th><td[^>]*>UTC<\/td><\/tr>/);
  });

  it('KeyValueList is a description list', () => {
    const html = renderToStaticMarkup(<KeyValueList items={[{ key: 'serial', label: 'Serial', value: 'ABC', mono: true }]} />);
    assert.match(html, /<dl class="kv"><div class="kv__row" data-key="serial"><dt class="kv__key">Serial<\/dt><dd class="kv__value mono">ABC<\/dd><\/div><\/dl>/);
  });

  it('Progress is a polite live region with its words', () => {
    const html = renderToStaticMarkup(<Progress label="Loading" value={0.5} />);
    assert.match(html, /role="status" aria-live="polite"/);
    assert.match(html, /Loading \(50%\)/);
  });

  it('AppShell has a skip link, a main landmark, and the REHEARSAL mark only when rehearsing', () => {
    const real = renderToStaticMarkup(<AppShell rehearsal={false}>x</AppShell>);
    assert.match(real, /<a class="skip-link" href="#main">/);
    assert.match(real, /<main id="main"/);
    assert.doesNotMatch(real, /REHEARSAL/);
    const rehearsal = renderToStaticMarkup(<AppShell rehearsal>x</AppShell>);
    assert.match(rehearsal, /data-testid="rehearsal-mark"/);
    assert.match(rehearsal, />REHEARSAL</);
  });

  it('Fingerprint groups hex in fours, ignoring separators', () => {
    assert.deepEqual(groupHex('ab:cd:EF:01:23'), ['ABCD', 'EF01', '23']);
    const html = renderToStaticMarkup(<Fingerprint hex={'00'.repeat(32)} label="Root key SHA-256" />);
    assert.equal(html.match(/class="fingerprint__group"/g)?.length, 16);
    assert.equal(html.match(/class="fingerprint__line"/g)?.length, 2);
  });
});

describe('status wording', () => {
  it('names every token state with a tone that is not colour alone', () => {
    for (const [state, view] of Object.entries(tokenStateView)) {
      assert.ok(view.label.length > 0, state);
    }
    assert.equal(tokenStateView.ready.tone, 'pass');
    assert.equal(tokenStateView['user-pin-locked'].tone, 'fail');
    assert.equal(tokenStateView['user-pin-final-try'].tone, 'fail');
    assert.equal(tokenStateView['user-pin-count-low'].tone, 'warn');
  });

  it('formats sizes, memory and UTC times', () => {
    assert.equal(formatBytes(null), 'Not reported');
    assert.equal(formatBytes(512), '512 bytes');
    assert.equal(formatBytes(32 * 1024 * 1024), '32.0 MiB');
    assert.equal(formatMemory(1024, 4096), '1.0 KiB free of 4.0 KiB');
    assert.equal(formatUtcTime('2026-01-02T03:04:05.678Z'), '03:04:05 UTC');
    assert.equal(formatUtcTime('2026-01-02T03:04:05.678Z', true), '2026-01-02 03:04:05 UTC');
    assert.equal(formatUtcTime('not a time'), 'not a time');
  });

  it('titles a slot by its token label, or by what it holds', () => {
    const base = { slotId: '1', slotDescription: '', slotManufacturer: '', tokenPresent: false, removableDevice: false, hardwareSlot: false, token: null, state: 'absent' as const, stateDetail: '' };
    assert.equal(slotTitle(base), 'Empty slot');
  });
});
