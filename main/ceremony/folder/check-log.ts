// The verifier's record of what it checked: every check with its verdict and a sentence,
// and the first failure (which entry or file, and why) that the command line names.
export interface FolderCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface FirstFailure {
  /** The transcript entry the failure is about, when it is about one. */
  entrySeq?: number;
  entryType?: string;
  /** Its line in transcript.jsonl, from 1. */
  line?: number;
  /** The file (relative to the folder) the failure is about, when it is about one. */
  file?: string;
  reason: string;
}

export class CheckLog {
  readonly checks: FolderCheck[] = [];
  firstFailure: FirstFailure | null = null;

  pass(name: string, detail: string): void {
    this.checks.push({ name, ok: true, detail });
  }

  fail(name: string, failure: FirstFailure): void {
    this.checks.push({ name, ok: false, detail: describeFailure(failure) });
    this.firstFailure ??= failure;
  }

  get ok(): boolean {
    return this.checks.every((c) => c.ok);
  }
}

/** "entry 7 (step-completed, line 8): why" or "file shares/a.json: why". */
export function describeFailure(failure: FirstFailure): string {
  if (failure.entrySeq !== undefined) {
    const inner = [failure.entryType, failure.line !== undefined ? `line ${failure.line}` : undefined].filter(Boolean).join(', ');
    return `entry ${failure.entrySeq}${inner ? ` (${inner})` : ''}: ${failure.reason}`;
  }
  if (failure.line !== undefined) return `transcript line ${failure.line}: ${failure.reason}`;
  if (failure.file !== undefined) return `file ${failure.file}: ${failure.reason}`;
  return failure.reason;
}
