// Reading one typed line from the terminal, with echo: for confirmations the person must
// type out ("yes"), where seeing what they typed matters. Ctrl-C or Ctrl-D cancels.
import { createInterface } from 'node:readline';
import { SecretPromptCancelled } from './terminal-secret';

export function promptLineFromTty(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stdin, output: stderr, terminal: true });
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) {
        stderr.write('\n');
        reject(new SecretPromptCancelled());
      }
    });
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}
