// Who imports: the operating-system account and the machine's name, as the import record
// keeps them. Conclave has no accounts of its own; the OS login is what an audit can
// trace.
import { hostname, userInfo } from 'node:os';

export function currentOperator(env: NodeJS.ProcessEnv): { user: string; host: string } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.LOGNAME ?? env.USERNAME ?? 'unknown';
  }
  return { user, host: hostname() };
}
