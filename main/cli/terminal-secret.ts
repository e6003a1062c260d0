// Reading a passphrase from the terminal without echo: raw mode, one key at a time,
// Backspace edits, Enter ends, Ctrl-C or Ctrl-D cancels. Only for a TTY on stdin.

export class SecretPromptCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'SecretPromptCancelled';
  }
}

export function promptSecretFromTty(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const wasRaw = stdin.isRaw;
    const finish = (error: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      const value = typed.join('');
      typed = [];
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      let outcome: 'more' | 'done' | 'cancelled' = 'more';
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') outcome = 'done';
        else if (ch === '\u0003' || ch === '\u0004') outcome = 'cancelled';
        else if (ch === '\u007f' || ch === '\b') typed.pop();
        else if (ch >= ' ') typed.push(ch);
        if (outcome !== 'more') break;
      }
      chunk.fill(0);
      if (outcome === 'done') finish(null);
      else if (outcome === 'cancelled') finish(new SecretPromptCancelled());
    };
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
