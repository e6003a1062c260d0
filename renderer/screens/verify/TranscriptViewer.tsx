// The transcript, one line per entry: seq, time (UTC), type, who acted, and a short
// summary of its data. The entry the first failure names is marked in words as well as
// highlighted, so it is found without relying on colour.
import type { TranscriptEntryView } from '../../../preload/contract';
import { Card, cx, DataTable, Icon } from '../../design';
import { formatUtcTime } from '../../format';

export interface TranscriptViewerProps {
  entries: TranscriptEntryView[];
  entriesLeftOut: number;
  failingSeq: number | null;
}

function when(at: string): string {
  if (!at) return '—';
  const parsed = Date.parse(at);
  return Number.isNaN(parsed) ? at : formatUtcTime(at, true);
}

export function TranscriptViewer({ entries, entriesLeftOut, failingSeq }: TranscriptViewerProps) {
  const subtitle = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${entriesLeftOut > 0 ? `; ${entriesLeftOut} more not shown` : ''}. Times are UTC.`;
  return (
    <Card title="Transcript" icon="info" subtitle={subtitle}>
      {entries.length === 0 ? (
        <p className="verify-transcript__empty" data-testid="transcript-empty">
          No entry of the transcript could be read.
        </p>
      ) : (
        <DataTable
          caption="Transcript entries"
          captionHidden
          className="verify-transcript"
          scrollLabel="Transcript entries (scrollable)"
          columns={[
            {
              key: 'seq',
              header: 'Seq',
              rowHeader: true,
              align: 'end',
              render: (e) =>
                e.seq === failingSeq ? (
                  <span className="verify-transcript__failing">
                    <Icon name="fail" />
                    <span>{e.seq}</span>
                    <span className="visually-hidden"> (first failure)</span>
                  </span>
                ) : (
                  e.seq
                ),
            },
            { key: 'at', header: 'Time', render: (e) => <time dateTime={e.at}>{when(e.at)}</time> },
            { key: 'type', header: 'Type', render: (e) => <code>{e.type}</code> },
            { key: 'actor', header: 'Actor', render: (e) => e.actor },
            { key: 'summary', header: 'Summary', className: 'verify-transcript__summary', render: (e) => e.summary },
          ]}
          rows={entries}
          rowKey={(e) => `${e.seq}-${e.type}-${e.at}`}
          rowId={(e) => `entry-${e.seq}`}
          rowClassName={(e) => cx(e.seq === failingSeq && 'row--fail verify-transcript__row--failing')}
        />
      )}
    </Card>
  );
}
