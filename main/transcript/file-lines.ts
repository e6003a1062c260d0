// Splits a transcript file's bytes into its complete lines and what follows the last
// "\n". A line counts only once its "\n" is on disk: the writer writes line and "\n" in
// one append and reports success after the fsync, so bytes after the last "\n" are an
// entry whose append never finished.

export interface FileLines {
  /** Complete lines, without their "\n" (decoded as UTF-8; a canonical line is ASCII). */
  lines: string[];
  /** Byte offset just after the last "\n" (0 when there is none). */
  completeBytes: number;
  /** Bytes after the last "\n", or null when the file ends with "\n" (or is empty). */
  tail: Uint8Array | null;
}

const decoder = new TextDecoder('utf-8');

export function splitFileLines(bytes: Uint8Array): FileLines {
  const lastNewline = bytes.lastIndexOf(0x0a);
  const completeBytes = lastNewline + 1;
  const tail = completeBytes < bytes.length ? bytes.subarray(completeBytes) : null;
  if (completeBytes === 0) return { lines: [], completeBytes, tail };
  const lines = decoder.decode(bytes.subarray(0, lastNewline)).split('\n');
  return { lines, completeBytes, tail };
}
