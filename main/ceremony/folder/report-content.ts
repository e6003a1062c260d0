// What the report says, built from a verified, sealed transcript alone: the ceremony and
// its people, the room, the token, every step with who started, acknowledged and
// completed it and when, exceptions, confirmations, the quorum, keys (fingerprints as hex
// and words), files and media with their hashes, signatures, whether the script's policy
// held, the final hash with its QR code, and blocks for handwritten signatures.
import type { ChainEntry, EntryOf, EntryType } from '../../transcript/index';
import type { CeremonyRecord } from './check-transcript';
import type { PolicyProblem, StepOutcome } from './check-policy';
import { hashForPeople } from './hash-words';
import { REHEARSAL_ANSWERS_FILE, REHEARSAL_TOKEN_FOLDER, SUMS_FILE } from './layout';
import { REHEARSAL_BANNER, type Block, type ReportDocument, type ReportSection } from './report-document';

export interface ReportInputs {
  record: CeremonyRecord;
  outcomes: StepOutcome[];
  policy: PolicyProblem[];
  /** Files in the folder when the report was made (not the report itself nor SHA256SUMS). */
  files: Array<{ path: string; sha256: string; bytes: number }>;
  qrPng: Uint8Array;
}

function ofType<T extends EntryType>(entries: readonly ChainEntry[], type: T): Array<EntryOf<T>> {
  return entries.filter((c) => c.entry.type === type).map((c) => c.entry as EntryOf<T>);
}

const who = (actor: { role: string; name: string }) => (actor.role === 'system' ? 'Conclave' : `${actor.name} (${actor.role})`);
const fingerprintText = (hex: string) => {
  const people = hashForPeople(hex);
  return `${people.grouped}\n${people.words.join(' ')}`;
};
const yesNo = (value: boolean) => (value ? 'yes' : 'no');

function compact(value: unknown, max = 500): string {
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function stepRows(outcomes: StepOutcome[]): string[][] {
  return outcomes.map((o) => {
    const started = o.started.map((s) => `${s.entry.at}\n${who(s.entry.actor)}`).join('\n') || '—';
    const acks = o.acknowledgements.map((a) => `${a.data.name} (${a.data.role}) ${a.at}`).join('\n') || '—';
    let done = 'NOT DONE';
    let result = '';
    if (o.done?.kind === 'completed') {
      const e = o.done.entry.entry;
      done = `completed ${e.at}\n${who(e.actor)}`;
      if (e.type === 'step-completed') result = compact((e as EntryOf<'step-completed'>).data.result);
      if (e.type === 'sealed') result = 'sealed';
    } else if (o.done?.kind === 'skipped') {
      const e = o.done.entry.entry;
      done = `SKIPPED ${e.at}\n${who(e.actor)}`;
      result = `Justification: ${o.done.justification ?? ''}`;
    }
    return [String(o.index), `${o.step.title}\n[${o.step.id}]`, `${o.step.action}${o.step.irreversible ? '\nirreversible' : ''}`, started, acks, done, result];
  });
}

export function buildReport(inputs: ReportInputs): ReportDocument {
  const { record, outcomes, policy, files, qrPng } = inputs;
  const { entries, opened, script } = record;
  const sealed = entries[entries.length - 1]!.entry;
  const final = hashForPeople(record.finalHash);
  const sections: ReportSection[] = [];
  const previous = opened.data.previousCeremonyFinalHash;

  sections.push({
    title: 'Ceremony',
    blocks: [
      {
        kind: 'fields',
        rows: [
          ['Ceremony id', opened.ceremonyId],
          ['Title', script.ceremony.title],
          ['Kind', script.ceremony.kind],
          ['Rehearsal', opened.data.rehearsal ? 'YES — REHEARSAL' : 'no (production ceremony)'],
          ['Opened', opened.at],
          ['Sealed', sealed.at],
          ['Tool', `${opened.data.tool.name} ${opened.data.tool.version}`],
          ['Script file', `${opened.data.script.name} (${opened.data.script.format}); SHA-256 of its text ${opened.data.script.sha256}`],
          ['Script hash', record.scriptHash],
          ['HSM token (script)', `${script.token.label}${script.token.slotSerial ? `, serial ${script.token.slotSerial}` : ''}`],
          ['Quorum policy', script.quorum.groups ? `${script.quorum.threshold} custodians in groups` : `${script.quorum.threshold} of ${script.participants.custodians.length} custodians`],
          ['Previous ceremony', previous ? `final hash ${fingerprintText(previous)}` : 'none (this ceremony links to no earlier one)'],
          ['Transcript', `${entries.length} entries`],
        ],
      },
    ],
  });

  sections.push({
    title: 'Participants',
    blocks: [
      {
        kind: 'table',
        columns: ['Role', 'Name', 'Signing key fingerprint (SHA-256 of SPKI; words)'],
        widths: [1.2, 2, 4],
        mono: [2],
        rows: [
          ['administrator', script.participants.administrator.name, ''],
          ...script.participants.custodians.map((c) => ['custodian', c.group ? `${c.name} (group ${c.group})` : c.name, '']),
          ...script.participants.witnesses.map((w) => ['witness', `${w.name} (${w.key.kind === 'file' ? 'key file, Ed25519' : 'PKCS#11 token, EC P-256'})`, fingerprintText(w.key.fingerprint)]),
        ],
      },
    ],
  });

  const rooms = ofType(entries, 'room-checked');
  const clocks = ofType(entries, 'clock-confirmed');
  const overrides = ofType(entries, 'air-gap-override');
  const roomBlocks: Block[] = [];
  for (const room of rooms) {
    roomBlocks.push({ kind: 'paragraph', text: `Room check at ${room.at} by ${who(room.actor)}: ${room.data.ready ? 'ready' : 'NOT ready'}.` });
    roomBlocks.push({ kind: 'table', columns: ['Check', 'Status', 'Reason'], widths: [2, 0.8, 4], rows: room.data.checks.map((c) => [c.title, c.status.toUpperCase(), c.reason]) });
  }
  for (const o of overrides) roomBlocks.push({ kind: 'paragraph', tone: 'warning', text: `Air-gap override at ${o.at} by ${who(o.actor)} (failed: ${o.data.failedChecks.join(', ')}). Reason: ${o.data.reason}` });
  for (const c of clocks) roomBlocks.push({ kind: 'paragraph', text: `Clock confirmed at ${c.at} by ${who(c.actor)}: system time ${c.data.systemTime}, time zone ${c.data.timeZone}, offset ${c.data.utcOffsetMinutes} minutes.` });
  if (roomBlocks.length === 0) roomBlocks.push({ kind: 'paragraph', tone: 'muted', text: 'No room check or clock confirmation was recorded.' });
  sections.push({ title: 'Room and clock', blocks: roomBlocks });

  const tokens = ofType(entries, 'token-facts');
  sections.push({
    title: 'HSM token',
    blocks: tokens.length
      ? tokens.map((t) => ({
          kind: 'fields' as const,
          rows: [
            ['Recorded', `${t.at} by ${who(t.actor)}`],
            ['Label', t.data.label],
            ['Manufacturer', t.data.manufacturer],
            ['Model', t.data.model],
            ['Serial', t.data.serial],
            ['Firmware / hardware', `${t.data.firmwareVersion} / ${t.data.hardwareVersion}`],
            ['Slot', t.data.slotId],
            ['Flags', Object.entries(t.data.flags).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'],
            ['Module', `${t.data.module.path} (${t.data.module.libraryDescription} ${t.data.module.libraryVersion}, ${t.data.module.manufacturer}, Cryptoki ${t.data.module.cryptokiVersion})`],
          ] as Array<[string, string]>,
        }))
      : [{ kind: 'paragraph', tone: 'muted', text: 'No token facts were recorded.' }],
  });

  sections.push({
    title: 'Steps',
    blocks: [
      {
        kind: 'table',
        columns: ['#', 'Step', 'Action', 'Started (UTC, by)', 'Acknowledged by', 'Done', 'Result'],
        widths: [0.35, 1.6, 1.1, 1.6, 1.9, 1.6, 2.2],
        rows: stepRows(outcomes),
      },
    ],
  });

  const exceptions = ofType(entries, 'exception-opened');
  const resolutions = ofType(entries, 'exception-resolved');
  sections.push({
    title: 'Exceptions',
    blocks: exceptions.length
      ? [
          {
            kind: 'table',
            columns: ['Entry', 'Opened', 'Step', 'Code', 'Reason', 'Resolution'],
            widths: [0.5, 1.5, 1, 1.2, 3, 3],
            rows: exceptions.map((e) => {
              const r = resolutions.find((x) => x.data.exception === e.seq);
              return [
                String(e.seq),
                `${e.at}\n${who(e.actor)}`,
                e.data.step ?? '—',
                e.data.code ?? '—',
                e.data.reason,
                r ? `${r.data.resolution.toUpperCase()} at ${r.at} by ${r.data.by.name} (${r.data.by.role})${r.data.justification ? `\nJustification: ${r.data.justification}` : ''}` : 'NOT RESOLVED',
              ];
            }),
          },
        ]
      : [{ kind: 'paragraph', text: 'No exception was opened.' }],
  });

  const confirmations = ofType(entries, 'confirmation-typed');
  if (confirmations.length) {
    sections.push({
      title: 'Typed confirmations',
      blocks: [{ kind: 'table', columns: ['Time', 'By', 'Step', 'Confirmed', 'Typed'], widths: [1.5, 1.5, 1, 3, 2], rows: confirmations.map((c) => [c.at, who(c.actor), c.data.step ?? '—', c.data.subject, c.data.phrase]) }],
    });
  }

  const quorum = ofType(entries, 'quorum-established');
  if (quorum.length) {
    sections.push({
      title: 'Quorum',
      blocks: [
        {
          kind: 'table',
          columns: ['Time', 'Purpose', 'Policy', 'Custodians', 'Quorum record SHA-256'],
          widths: [1.5, 0.8, 2, 2.5, 2.5],
          mono: [4],
          rows: quorum.map((q) => [q.at, q.data.purpose, `${q.data.policySummary}\n${q.data.policyId}`, q.data.custodians.map((c) => (c.group ? `${c.name} (${c.group})` : c.name)).join(', '), q.data.recordSha256 ?? '—']),
        },
      ],
    });
  }

  const keys = ofType(entries, 'key-generated');
  sections.push({
    title: 'Keys',
    blocks: keys.length
      ? [
          {
            kind: 'table',
            columns: ['Key', 'Algorithm / role', 'Fingerprint (SHA-256 of SPKI; words)', 'Attributes read back'],
            widths: [2, 1.3, 3.2, 3],
            mono: [2],
            rows: keys.map((k) => [
              `${k.data.label}\nid ${k.data.id}\npurpose ${k.data.purpose}${k.data.adopted ? '\nadopted on resume' : ''}\n${k.at}`,
              `${k.data.algorithm}\n${k.data.hsmRole}`,
              k.data.fingerprint ? `${k.data.fingerprint.hex}\n${k.data.fingerprint.words.join(' ')}` : 'secret key (no public key)',
              Object.entries(k.data.attributes).map(([name, value]) => `${name}=${String(value)}`).join(', '),
            ]),
          },
        ]
      : [{ kind: 'paragraph', tone: 'muted', text: 'No key was generated.' }],
  });

  const written = ofType(entries, 'file-written');
  const media = ofType(entries, 'media-written');
  const fileBlocks: Block[] = [];
  if (written.length) {
    fileBlocks.push({ kind: 'paragraph', text: 'Files the ceremony wrote into this folder, as the transcript records them:' });
    fileBlocks.push({ kind: 'table', columns: ['Path', 'Purpose', 'SHA-256', 'Bytes'], widths: [2, 2, 4, 0.8], mono: [2], rows: written.map((f) => [f.data.path, f.data.purpose, f.data.sha256, String(f.data.bytes)]) });
  }
  if (media.length) {
    fileBlocks.push({ kind: 'paragraph', text: 'Files written to removable media (hash of the bytes read back):' });
    fileBlocks.push({ kind: 'table', columns: ['Path', 'Medium', 'SHA-256', 'Bytes'], widths: [2, 2, 4, 0.8], mono: [2], rows: media.map((m) => [m.data.path, m.data.medium, m.data.sha256, String(m.data.bytes)]) });
  }
  fileBlocks.push({ kind: 'paragraph', text: `Every file of the folder when this report was made (${SUMS_FILE} lists these and the two report files):` });
  fileBlocks.push({ kind: 'table', columns: ['Path', 'SHA-256', 'Bytes'], widths: [3, 4, 0.8], mono: [1], rows: files.map((f) => [f.path, f.sha256, String(f.bytes)]) });
  if (opened.data.rehearsal) {
    fileBlocks.push({
      kind: 'paragraph',
      tone: 'warning',
      text: `${REHEARSAL_ANSWERS_FILE} and ${REHEARSAL_TOKEN_FOLDER}/ are rehearsal leftovers: the answers (passphrases and the throwaway token's PINs) and the SoftHSM2 token, kept for inspection. They change when inspected and are deliberately not covered by ${SUMS_FILE} nor by this report.`,
    });
  }
  sections.push({ title: 'Files and media', blocks: fileBlocks });

  sections.push({
    title: 'Transcript signatures',
    blocks: [
      {
        kind: 'table',
        columns: ['Entry', 'Signs', 'Signer', 'Key fingerprint'],
        widths: [0.6, 1.2, 2.4, 4],
        mono: [3],
        rows: record.signatures.map((s) => {
          const target = entries.find((e) => e.entry.seq === s.signs)!;
          return [String(s.seq), `${target.entry.type} (entry ${s.signs})`, s.kind === 'witness' ? `witness ${s.name}` : `ceremony key "${s.name}"`, fingerprintText(s.keyFingerprint)];
        }),
      },
    ],
  });

  sections.push({
    title: 'Script policy',
    blocks: policy.length
      ? [
          { kind: 'paragraph', tone: 'warning', text: 'The ceremony did NOT follow its script in these respects:' },
          { kind: 'table', columns: ['Entry', 'Problem'], widths: [1.4, 7], rows: policy.map((p) => [`${p.entrySeq} (${p.entryType})`, p.reason]) },
        ]
      : [{ kind: 'paragraph', text: 'Every step of the script was completed (or skipped with a written justification) in order, with the acknowledgements, typed confirmations and preconditions it requires; every exception was resolved.' }],
  });

  sections.push({
    title: 'Final hash',
    blocks: [
      { kind: 'paragraph', text: 'The SHA-256 of the sealed entry, the last line of transcript.jsonl. Compare it with the screen at the end of the ceremony; the next ceremony records it as its previous ceremony.' },
      { kind: 'final-hash', hex: record.finalHash, grouped: final.grouped, words: final.words, qrPng },
    ],
  });

  sections.push({
    title: 'Signatures',
    blocks: [
      {
        kind: 'signature-blocks',
        statement: 'By signing, I confirm that I took part in this ceremony in the role named, that this report describes what happened, and that the final hash above is the one shown on screen when the ceremony was sealed.',
        people: [
          { role: 'Administrator', name: script.participants.administrator.name },
          ...script.participants.custodians.map((c) => ({ role: 'Custodian', name: c.name })),
          ...script.participants.witnesses.map((w) => ({ role: 'Witness', name: w.name })),
        ],
      },
    ],
  });

  sections.push({
    title: 'How to check this folder',
    blocks: [
      {
        kind: 'paragraph',
        text: `In the ceremony folder: "sha256sum -c ${SUMS_FILE}" checks every file; "npx conclave verify ." checks the chain, every signature, the script's policy and every file, and prints this final hash. docs/ceremony-folder.md explains how to check by hand with sha256sum and openssl.`,
      },
    ],
  });

  return {
    title: `Ceremony report: ${script.ceremony.title}`,
    subtitle: `${opened.ceremonyId} · ${script.ceremony.kind} · sealed ${sealed.at}`,
    ceremonyId: opened.ceremonyId,
    rehearsal: opened.data.rehearsal,
    finalHash: record.finalHash,
    sealedAt: sealed.at,
    sections: opened.data.rehearsal ? [{ title: 'Rehearsal', blocks: [{ kind: 'paragraph', tone: 'warning', text: REHEARSAL_BANNER }] }, ...sections] : sections,
  };
}
