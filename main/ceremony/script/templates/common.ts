// What every built-in template shares: the options naming the ceremony and its people,
// the opening steps (room, clock, token facts), the quorum steps, the ceremony key, and
// the closing (checkpoint, witness signatures, seal). A template builds a script value
// and returns it validated, defaults filled, exactly as parseScript would return it.
import { validateScript } from '../parse-script';
import type { CeremonyScript, CeremonyScriptInput, QuorumSpec, StepInput, TokenSpec, WitnessKey } from '../schema';
import { DEFAULT_SHARES_FOLDER, SCRIPT_FORMAT, SCRIPT_VERSION, type CeremonyKind } from '../vocabulary';

export interface TemplateParticipants {
  administrator: { name: string };
  custodians: Array<{ name: string; group?: string }>;
  witnesses: Array<{ name: string; key: WitnessKey }>;
}

export interface TemplateOptions {
  /** 1 to 64 letters, digits, ".", "_" or "-". */
  ceremonyId: string;
  /** A title for the report; each template has a default. */
  title?: string;
  /** Default false. */
  rehearsal?: boolean;
  previousCeremonyFinalHash?: string;
  participants: TemplateParticipants;
  quorum: QuorumSpec;
  token: TokenSpec;
  /** Where the ceremony folder goes; usually chosen at run time instead. */
  outputsFolder?: string;
}

/** The ceremony key's label: one per ceremony, so it is never reused. */
export const ceremonyKeyLabel = (ceremonyId: string) => `ceremony-${ceremonyId}`;

export function openingSteps(): StepInput[] {
  return [
    {
      id: 'check-room',
      title: 'Check the room',
      instructions: 'Conclave checks the air gap, radios, removable media and the HSM. The administrator reads each result aloud.',
      action: 'check-room',
    },
    {
      id: 'confirm-clock',
      title: 'Confirm the clock is UTC',
      instructions: "The administrator compares the workstation's clock with an independent UTC time source and confirms it.",
      action: 'confirm-clock-utc',
    },
    {
      id: 'token-facts',
      title: 'Record the HSM',
      instructions: "Conclave records the token's model, serial number and firmware. Witnesses compare the serial with the label on the device.",
      action: 'record-token-facts',
    },
  ];
}

export function quorumSetupStep(): StepInput {
  return {
    id: 'quorum-setup',
    title: 'Set up the custodian quorum',
    instructions: 'Each custodian chooses a passphrase, receives their sealed share envelope and proves it opens before the token PINs are set.',
    action: 'quorum-setup',
    params: { folder: DEFAULT_SHARES_FOLDER },
  };
}

export function quorumLoginStep(): StepInput {
  return {
    id: 'quorum-login',
    title: 'Custodians log in to the HSM',
    instructions: 'Custodians present their envelopes one at a time until the quorum is reached; Conclave then logs in to the token once.',
    action: 'quorum-login',
  };
}

export function ceremonyKeyStep(ceremonyId: string): StepInput {
  return {
    id: 'ceremony-key',
    title: 'Generate the ceremony signing key',
    instructions: "The HSM generates this ceremony's EC P-256 signing key; it signs the checkpoints and the seal of the transcript.",
    action: 'generate-ceremony-key',
    params: { label: ceremonyKeyLabel(ceremonyId) },
  };
}

export function closingSteps(): StepInput[] {
  return [
    {
      id: 'checkpoint',
      title: 'Checkpoint the transcript',
      instructions: 'The ceremony key signs the transcript so far.',
      action: 'checkpoint',
    },
    {
      id: 'witness-sign',
      title: 'Witnesses sign the checkpoint',
      instructions: 'Each witness reviews the transcript and signs the checkpoint with their own key.',
      action: 'witness-sign',
      params: { signers: 'all' },
    },
    {
      id: 'seal',
      title: 'Seal the ceremony',
      instructions: 'The ceremony key and every witness sign the final seal; nothing can be added to the transcript afterwards.',
      action: 'seal',
      params: { signers: 'all' },
    },
  ];
}

/** Assembles and validates a script; a template given bad options throws SCRIPT_INVALID naming them. */
export function buildScript(options: TemplateOptions, kind: CeremonyKind, defaultTitle: string, steps: StepInput[]): CeremonyScript {
  const input: CeremonyScriptInput = {
    format: SCRIPT_FORMAT,
    version: SCRIPT_VERSION,
    ceremony: {
      id: options.ceremonyId,
      title: options.title ?? defaultTitle,
      kind,
      rehearsal: options.rehearsal ?? false,
      ...(options.previousCeremonyFinalHash === undefined ? {} : { previousCeremonyFinalHash: options.previousCeremonyFinalHash }),
    },
    participants: {
      administrator: { name: options.participants.administrator.name },
      custodians: options.participants.custodians.map((c) => (c.group === undefined ? { name: c.name } : { name: c.name, group: c.group })),
      witnesses: options.participants.witnesses.map((w) => ({ name: w.name, key: { ...w.key } })),
    },
    quorum: { ...options.quorum },
    token: { ...options.token },
    outputs: options.outputsFolder === undefined ? {} : { folder: options.outputsFolder },
    steps,
  };
  return validateScript(input, { fileName: `the ${kind} template` });
}
