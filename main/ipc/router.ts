// The one validated entry point for renderer → main requests. Everything the renderer
// sends is untrusted: the sender must be the app's own main frame, the channel must be
// in the contract, and the payload must pass the channel's strict schema before any
// handler sees it. Whatever happens, the renderer gets a Result, never a thrown error,
// never a stack trace, and never a handler's raw exception text.
import { DomainError } from '../../native/errors';
import {
  contract,
  ErrorValueSchema,
  type Channel,
  type ErrorValue,
  type RequestOf,
  type ResponseOf,
  type Result,
} from '../../preload/contract';
import { describeIssues } from './describe-issues';

export type Handlers = { [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

/** Who sent a request, as seen by main (Electron: event.senderFrame). */
export interface SenderInfo {
  /** The sending frame's origin, e.g. "app://conclave". */
  origin: string;
  /** True only for the top-level frame of the window. */
  isMainFrame: boolean;
  /** The sending frame's URL, when known; it must lie inside `origin`. */
  url?: string;
}

export interface RouterOptions {
  /** Exact origins allowed to call main, e.g. ["app://conclave"]. */
  allowedOrigins: readonly string[];
  /** Check every response against its schema too. Default: on except in production builds. */
  validateResponses?: boolean;
  /**
   * Told about every unexpected failure (a handler throwing something other than a
   * DomainError, or a response breaking its schema) so the shell can log it. The
   * renderer only ever sees a generic INTERNAL error.
   */
  onInternalError?: (report: { channel: Channel; kind: 'handler-threw' | 'response-invalid'; error: unknown }) => void;
}

export interface Router {
  handle(sender: SenderInfo, channel: string, payload: unknown): Promise<Result<unknown>>;
}

const WIRE_PREFIX = 'conclave:';

const failure = (error: ErrorValue): Result<never> => ({ ok: false, error: fitErrorValue(error) });

/** Keeps an error within the contract's length limits so it always reaches the renderer. */
function fitErrorValue(error: ErrorValue): ErrorValue {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const fitted = { code: clip(error.code, 64), message: clip(error.message, 2000), action: clip(error.action, 2000) };
  return ErrorValueSchema.parse(fitted);
}

/** Channel names are shown in messages only when they look like channel names. */
const printable = (text: string) => (text.length <= 80 && /^[\w:./-]*$/.test(text) ? `"${text}"` : '(an unprintable name)');

function senderProblem(sender: SenderInfo, allowed: readonly string[]): string | null {
  if (!sender || typeof sender.origin !== 'string' || typeof sender.isMainFrame !== 'boolean') {
    return 'the sender could not be identified';
  }
  if (!allowed.includes(sender.origin)) return `it came from ${printable(sender.origin)}, which is not the Conclave window`;
  if (!sender.isMainFrame) return 'it came from an embedded frame, not the Conclave window itself';
  if (sender.url !== undefined) {
    const url = String(sender.url);
    if (url !== sender.origin && !url.startsWith(`${sender.origin}/`)) return 'the sending page is not part of Conclave';
  }
  return null;
}

function channelOf(wire: unknown): Channel | null {
  if (typeof wire !== 'string' || !wire.startsWith(WIRE_PREFIX)) return null;
  const name = wire.slice(WIRE_PREFIX.length);
  return Object.prototype.hasOwnProperty.call(contract, name) ? (name as Channel) : null;
}

export function createRouter(handlers: Handlers, options: RouterOptions): Router {
  const allowedOrigins = [...options.allowedOrigins];
  if (allowedOrigins.length === 0) throw new Error('createRouter needs at least one allowed origin.');
  const validateResponses = options.validateResponses ?? process.env.CONCLAVE_BUILD !== 'production';
  const report = options.onInternalError ?? (() => undefined);

  const internal = (channel: Channel): Result<never> =>
    failure({
      code: 'INTERNAL',
      message: `Conclave hit an unexpected problem while handling "${channel}". Nothing was changed by this request.`,
      action: 'Try again. If it happens again, restart Conclave and note the time for the ceremony record.',
    });

  return {
    async handle(sender, wireChannel, payload) {
      const problem = senderProblem(sender, allowedOrigins);
      if (problem) {
        return failure({
          code: 'SENDER_REJECTED',
          message: `Conclave refused a request because ${problem}.`,
          action: 'Only the Conclave window may talk to Conclave. Close any other content and restart Conclave.',
        });
      }

      const channel = channelOf(wireChannel);
      if (!channel) {
        return failure({
          code: 'UNKNOWN_CHANNEL',
          message: `Conclave has no request named ${typeof wireChannel === 'string' ? printable(wireChannel) : '(not a string)'}.`,
          action: 'The window and the main process are out of step; restart Conclave.',
        });
      }

      const spec = contract[channel];
      const parsed = spec.request.safeParse(payload);
      if (!parsed.success) {
        return failure({
          code: 'BAD_REQUEST',
          message: `The "${channel}" request was refused: ${describeIssues('request', parsed.error.issues, payload)}.`,
          action: 'This is a fault in the Conclave window, not in your input; restart Conclave. If it repeats, report it.',
        });
      }

      let value: unknown;
      try {
        const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
        value = await handler(parsed.data);
      } catch (error) {
        if (DomainError.is(error)) return failure(error.toValue());
        report({ channel, kind: 'handler-threw', error });
        return internal(channel);
      }

      if (validateResponses) {
        const checked = spec.response.safeParse(value);
        if (!checked.success) {
          report({
            channel,
            kind: 'response-invalid',
            error: new Error(`Response of "${channel}" breaks the contract: ${describeIssues('response', checked.error.issues, value)}`),
          });
          return internal(channel);
        }
        return { ok: true, value: checked.data };
      }
      return { ok: true, value };
    },
  };
}
