// Template: a quorum setup ceremony. The custodians receive their share envelopes, then
// log in with them at once (proving the quorum works) so the ceremony key can sign.
import type { CeremonyScript } from '../schema';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep, quorumSetupStep, type TemplateOptions } from './common';

export function quorumSetupScript(options: TemplateOptions): CeremonyScript {
  return buildScript(options, 'quorum-setup', 'Quorum setup', [
    ...openingSteps(),
    quorumSetupStep(),
    quorumLoginStep(),
    ceremonyKeyStep(options.ceremonyId),
    ...closingSteps(),
  ]);
}
