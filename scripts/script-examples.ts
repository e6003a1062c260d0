// The example scripts in docs/examples/: each built-in template rendered for a sample
// team. Witness fingerprints are placeholders (SHA-256 of a fixed text), so the files
// parse; a real script takes them from `conclave witness show FILE` or the witness's token.
// Written by scripts/make-script-schema.ts; test/unit/ceremony-script/docs.test.ts checks
// the committed files equal a fresh rendering.
import { createHash } from 'node:crypto';
import {
  keyBackupScript,
  keyRestoreScript,
  quorumSetupScript,
  rehearsalRootScript,
  REHEARSAL_TRANSPORT_KEK_LABEL,
  renderScriptYaml,
  rootKeyGenerationScript,
  type CeremonyScript,
  type TemplateOptions,
} from '../main/ceremony/script/index';

const placeholder = (text: string) => createHash('sha256').update(text).digest('hex');

function team(ceremonyId: string): TemplateOptions {
  return {
    ceremonyId,
    participants: {
      administrator: { name: 'Morgan Lee' },
      custodians: [{ name: 'Alice Chen' }, { name: 'Bruno Silva' }, { name: 'Chiara Rossi' }, { name: 'Dmitri Ivanov' }, { name: 'Eun-ji Park' }],
      witnesses: [
        { name: 'Wanda Okafor', key: { kind: 'file', fingerprint: placeholder('example witness key: Wanda Okafor') } },
        { name: 'Xavier Dupont', key: { kind: 'pkcs11', fingerprint: placeholder('example witness key: Xavier Dupont'), tokenLabel: 'XD WITNESS' } },
      ],
    },
    quorum: { threshold: 3 },
    token: { label: 'ROOT HSM A' },
  };
}

export interface ExampleScript {
  /** File name in docs/examples/. */
  file: string;
  template: string;
  script: CeremonyScript;
}

export function exampleScripts(): ExampleScript[] {
  return [
    { file: 'quorum-setup.yaml', template: 'quorumSetupScript', script: quorumSetupScript({ ...team('example-quorum-2025') }) },
    {
      file: 'root-key-generation.yaml',
      template: 'rootKeyGenerationScript',
      script: rootKeyGenerationScript({
        ...team('example-root-2025'),
        certificate: { subject: { commonName: 'Example Root CA 2025', organization: 'Example Corp', country: 'DE' } },
      }),
    },
    {
      file: 'key-backup.yaml',
      template: 'keyBackupScript',
      script: keyBackupScript({ ...team('example-backup-2025'), keyLabel: 'data-kek-2025' }),
    },
    {
      file: 'key-restore.yaml',
      template: 'keyRestoreScript',
      script: keyRestoreScript({
        ...team('example-restore-2025'),
        token: { label: 'ROOT HSM B' },
        label: 'data-kek-2025',
        type: 'aes-256',
        role: 'wrap',
        wrappedKeySha256: placeholder('example wrapped key file'),
      }),
    },
    {
      file: 'rehearsal-root.yaml',
      template: 'rehearsalRootScript',
      script: rehearsalRootScript({ witnessFingerprint: placeholder('example witness key: Rehearsal Witness'), bundleTransportKek: REHEARSAL_TRANSPORT_KEK_LABEL }),
    },
  ];
}

export function exampleText(example: ExampleScript): string {
  return renderScriptYaml(
    example.script,
    [
      `An example ceremony script: the ${example.template} template (main/ceremony/script/templates).`,
      'Written by scripts/make-script-schema.ts. Witness fingerprints are placeholders: use the SHA-256',
      "of each witness's public key (npx conclave witness show FILE). Format: docs/ceremony-script.md.",
      'Check a script with: npx conclave script check FILE',
    ].join('\n'),
  );
}
