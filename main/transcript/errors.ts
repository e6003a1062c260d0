// Errors of the transcript's file side (writer, reader, recovery, lock): DomainErrors a
// person can act on; a broken chain also carries the structured problem (line, seq).
import { dirname } from 'node:path';
import { DomainError } from '../../native/errors';
import type { ChainProblem } from './chain-verifier';

export class TranscriptError extends DomainError {
  /** The first bad line, when the error is about the transcript's content. */
  readonly problem: ChainProblem | null;

  constructor(value: { code: string; message: string; action: string; detail?: string; problem?: ChainProblem }) {
    super(value);
    this.name = 'TranscriptError';
    this.problem = value.problem ?? null;
  }
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The transcript does not verify: damaged or changed before its last line, or wrong throughout. */
export function transcriptInvalid(path: string, problem: ChainProblem): TranscriptError {
  return new TranscriptError({
    code: 'TRANSCRIPT_INVALID',
    message: `The transcript ${path} does not verify: ${problem.message}.`,
    action:
      'Do not continue this ceremony from this file. Compare it with the copy on the ceremony media; a transcript that was changed cannot be repaired, only replaced by an intact copy.',
    problem,
  });
}

/** An I/O failure while writing, mapped to what a person can do about it. */
export function writeFailed(path: string, error: unknown, doing: string): TranscriptError {
  const code = errnoOf(error);
  const where = dirname(path);
  const detail = `${code ?? 'error'}: ${(error as Error)?.message ?? String(error)}`;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new TranscriptError({
      code: 'MEDIA_FULL',
      message: `There is no space left on the medium holding ${where} (while ${doing}).`,
      action: 'Free space or move the ceremony folder to a larger medium, then reopen the ceremony; it resumes from the last entry on disk.',
      detail,
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new TranscriptError({
      code: 'FILE_WRITE_DENIED',
      message: `Conclave may not write to ${where} (${code}, while ${doing}).`,
      action: code === 'EROFS' ? 'The medium is read-only: remove its write protection, then reopen the ceremony.' : 'Choose a ceremony folder you may write to.',
      detail,
    });
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new TranscriptError({
      code: 'DIRECTORY_NOT_FOUND',
      message: `The folder ${where} does not exist (while ${doing}).`,
      action: 'Check that the medium is mounted and the ceremony folder exists.',
      detail,
    });
  }
  if (code === 'EIO') {
    return new TranscriptError({
      code: 'MEDIA_IO_ERROR',
      message: `The medium holding ${where} reported an input/output error (while ${doing}).`,
      action: 'The medium may be failing or was removed. Reopen the ceremony from an intact copy of its folder.',
      detail,
    });
  }
  return new TranscriptError({
    code: 'TRANSCRIPT_WRITE_FAILED',
    message: `Writing ${path} failed while ${doing}: ${(error as Error)?.message ?? String(error)}.`,
    action: 'Check the medium, then reopen the ceremony; it resumes from the last entry on disk.',
    detail,
  });
}
