// What the CLI prints: the room report and the token list as readable tables, and the
// summary lines under them. Pure functions of their input, so they are tested directly.
import type { Check, ModuleInfo, RehearsalInfo, RoomReport, TokenFacts, TokenFlags } from '../../preload/contract';
import { renderTable } from './table';

const STATUS_WORD: Record<Check['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

export function renderRoomReport(report: RoomReport, rehearsal: RehearsalInfo | null, width: number): string {
  const lines: string[] = [];
  lines.push(`Conclave room check, ${report.generatedAt}${report.rehearsal ? ' (REHEARSAL)' : ''}`);
  if (rehearsal?.active) lines.push(`REHEARSAL: ${rehearsal.reason}`);
  lines.push('');
  const rows = report.checks.map((c) => [
    STATUS_WORD[c.status],
    c.title,
    c.action ? `${c.reason}\nWhat to do: ${c.action}` : c.reason,
  ]);
  lines.push(renderTable(['STATUS', 'CHECK', 'REASON'], rows, { width }));
  lines.push('');
  lines.push(...renderVerdict(report));
  return `${lines.join('\n')}\n`;
}

/** The closing lines: ready, or every reason the room is not ready. */
export function renderVerdict(report: RoomReport): string[] {
  const failed = report.checks.filter((c) => c.status === 'fail');
  const warned = report.checks.filter((c) => c.status === 'warn');
  const warnings = warned.length ? ` (${warned.length} warning${warned.length === 1 ? '' : 's'})` : '';
  if (report.ready) return [`The room is ready${warnings}.`];
  return [
    `The room is NOT ready: ${failed.length} check${failed.length === 1 ? '' : 's'} failed${warnings}.`,
    ...failed.map((c) => `  - ${c.title}: ${c.reason}`),
  ];
}

const FLAG_WORDS: Array<[keyof TokenFlags, string]> = [
  ['tokenInitialized', 'initialized'],
  ['loginRequired', 'login required'],
  ['userPinInitialized', 'user PIN set'],
  ['userPinCountLow', 'USER PIN COUNT LOW'],
  ['userPinFinalTry', 'USER PIN FINAL TRY'],
  ['userPinLocked', 'USER PIN LOCKED'],
  ['userPinToBeChanged', 'user PIN to be changed'],
  ['soPinCountLow', 'SO PIN COUNT LOW'],
  ['soPinFinalTry', 'SO PIN FINAL TRY'],
  ['soPinLocked', 'SO PIN LOCKED'],
  ['soPinToBeChanged', 'SO PIN to be changed'],
  ['protectedAuthenticationPath', 'PIN pad'],
  ['hasRng', 'has RNG'],
  ['writeProtected', 'write protected'],
];

export function describeFlags(flags: TokenFlags): string {
  const set = FLAG_WORDS.filter(([key]) => flags[key]).map(([, word]) => word);
  if (!flags.tokenInitialized) set.unshift('NOT initialized');
  return set.join(', ');
}

export function describeModule(module: ModuleInfo): string {
  const who = [module.libraryDescription, module.manufacturer].filter((s) => s.trim() !== '').join(' by ');
  return `${module.path}${who ? ` (${who})` : ''}, library ${module.libraryVersion}, Cryptoki ${module.cryptokiVersion}`;
}

export function renderTokens(module: ModuleInfo, tokens: TokenFacts[], width: number): string {
  const lines = [`Module: ${describeModule(module)}`, ''];
  if (tokens.length === 0) {
    lines.push('The module reports no slots.');
    return `${lines.join('\n')}\n`;
  }
  const rows = tokens.map((t) => {
    const tok = t.token;
    const slot = `${t.slotId}\n${t.hardwareSlot ? 'hardware' : 'software'}${t.removableDevice ? ', removable' : ''}`;
    if (!tok) return [slot, '(no token)', '', t.state, t.stateDetail];
    const label = `${tok.label || '(no label)'}\n${[tok.manufacturer, tok.model].filter(Boolean).join(' ')}`;
    const serial = `${tok.serial}\nfw ${tok.firmwareVersion}, hw ${tok.hardwareVersion}`;
    return [slot, label, serial, t.state, `${t.stateDetail}\nFlags: ${describeFlags(tok.flags)}`];
  });
  lines.push(renderTable(['SLOT', 'TOKEN', 'SERIAL', 'STATE', 'HEALTH'], rows, { width, minLastColumn: 30 }));
  const present = tokens.filter((t) => t.token !== null).length;
  lines.push('', `${tokens.length} slot${tokens.length === 1 ? '' : 's'}, ${present} with a token.`);
  return `${lines.join('\n')}\n`;
}
