// Rules over what steps write into the ceremony folder: no two steps write the same
// path, nothing is written inside a folder another step owns, and nothing takes a name
// Conclave itself writes there (transcript, report, checksums, reserved folders). Paths
// compare without letter case, because removable media are often FAT or exFAT.
import type { PathProblem, PathSegment } from './problems';
import type { ScriptStep } from './schema';
import { stepRef } from './check-steps';
import { RESERVED_OUTPUT_FILES, RESERVED_OUTPUT_FOLDERS } from './vocabulary';

export interface ScriptOutput {
  /** Relative path inside the ceremony folder, as the script writes it. */
  path: string;
  kind: 'file' | 'folder';
  step: number;
  /** Where the path is written in the script. */
  field: PathSegment[];
}

/** Every file and folder the steps write into the ceremony folder, in step order. */
export function scriptOutputs(steps: readonly ScriptStep[]): ScriptOutput[] {
  return steps.flatMap((step, i): ScriptOutput[] => {
    const at = (name: string): PathSegment[] => ['steps', i, 'params', name];
    switch (step.action) {
      case 'quorum-setup':
        return [{ path: step.params.folder, kind: 'folder', step: i, field: at('folder') }];
      case 'export-public-key':
      case 'self-signed-certificate':
        return [{ path: step.params.file, kind: 'file', step: i, field: at('file') }];
      case 'backup-key':
        return [
          { path: step.params.file, kind: 'file', step: i, field: at('file') },
          { path: step.params.sharesFolder, kind: 'folder', step: i, field: at('sharesFolder') },
        ];
      default:
        return [];
    }
  });
}

const fold = (path: string) => path.toLowerCase();
const inside = (path: string, folder: string) => fold(path).startsWith(`${fold(folder)}/`);

function reservedProblem(path: string): string | null {
  const file = RESERVED_OUTPUT_FILES.find((f) => fold(f) === fold(path));
  if (file) return `${file} is written by Conclave itself; choose another name`;
  const folder = RESERVED_OUTPUT_FOLDERS.find((f) => fold(f) === fold(path) || inside(path, f));
  if (folder) return `the folder ${folder}/ is reserved for Conclave's own use; choose another place`;
  return null;
}

export function outputProblems(steps: readonly ScriptStep[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const accepted: ScriptOutput[] = [];
  for (const output of scriptOutputs(steps)) {
    const reserved = reservedProblem(output.path);
    if (reserved) {
      problems.push({ path: output.field, message: reserved });
      continue;
    }
    const same = accepted.find((o) => fold(o.path) === fold(output.path));
    if (same) {
      problems.push({ path: output.field, message: `"${output.path}" is already written by ${stepRef(steps, same.step)}; an output is never overwritten, choose another name` });
      continue;
    }
    const container = accepted.find((o) => o.kind === 'folder' && inside(output.path, o.path));
    if (container) {
      problems.push({ path: output.field, message: `"${output.path}" is inside the folder "${container.path}" that ${stepRef(steps, container.step)} writes; choose a place outside it` });
      continue;
    }
    const contained = output.kind === 'folder' ? accepted.find((o) => inside(o.path, output.path)) : undefined;
    if (contained) {
      problems.push({ path: output.field, message: `the folder "${output.path}" would hold "${contained.path}", which ${stepRef(steps, contained.step)} writes; choose a place that holds nothing else` });
      continue;
    }
    const underFile = accepted.find((o) => o.kind === 'file' && inside(output.path, o.path));
    if (underFile) {
      problems.push({ path: output.field, message: `"${underFile.path}" is a file written by ${stepRef(steps, underFile.step)}, so nothing can be written inside it` });
      continue;
    }
    accepted.push(output);
  }
  return problems;
}
