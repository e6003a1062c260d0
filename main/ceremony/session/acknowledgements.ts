// Who must acknowledge a step, who may, and who did in its current attempt: the same
// counting the engine enforces (CeremonyEngine.missingAcknowledgements), laid out by role
// for the step card. The engine stays the authority: completing a step re-checks it.
import type { CeremonyAcknowledgementView } from '../../../preload/contract';
import type { ChainEntry } from '../../transcript';
import type { CeremonyScript, ScriptStep } from '../script';

type Role = CeremonyAcknowledgementView['role'];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function acknowledgedBy(entries: readonly ChainEntry[], step: string, startedSeq: number | null): Array<{ role: Role; name: string }> {
  if (startedSeq === null) return [];
  const out: Array<{ role: Role; name: string }> = [];
  for (const { entry } of entries) {
    if (entry.seq > startedSeq && entry.type === 'step-acknowledged' && entry.data.step === step) out.push({ role: entry.data.role, name: entry.data.name });
  }
  return out;
}

export function acknowledgementViews(script: CeremonyScript, step: ScriptStep, entries: readonly ChainEntry[], startedSeq: number | null): CeremonyAcknowledgementView[] {
  const have = acknowledgedBy(entries, step.id, startedSeq);
  const { administrator, custodians, witnesses } = script.participants;
  return step.acknowledgements.map((ack) => {
    const role: Role = ack.role === 'administrator' ? 'administrator' : ack.role === 'custodians' ? 'custodian' : 'witness';
    const candidates = role === 'administrator' ? [administrator.name] : role === 'custodian' ? custodians.map((c) => c.name) : witnesses.map((w) => w.name);
    const count = ack.role === 'administrator' ? 1 : ack.count;
    const needed = count === 'all' ? candidates.length : Math.min(count, candidates.length);
    const label =
      role === 'administrator'
        ? 'the administrator'
        : count === 'all' || needed === candidates.length
          ? `every ${role} (${candidates.length})`
          : plural(needed, role);
    const by = have.filter((a) => a.role === role).map((a) => a.name);
    return { role, label, needed, candidates, by, missing: Math.max(0, needed - by.length) };
  });
}

/** "1 administrator, 2 witnesses", or null when nothing is missing. */
export function missingAcknowledgementsText(views: readonly CeremonyAcknowledgementView[]): string | null {
  const missing = views.filter((v) => v.missing > 0).map((v) => plural(v.missing, v.role));
  return missing.length > 0 ? missing.join(', ') : null;
}
