// Reading a request body, defensively: a declared length over the limit is
// refused before a byte is read; a body that grows past it, or arrives too
// slowly, is cut off; only JSON is taken. The body is parsed once, with
// JSON.parse (linear), and handed on as caller input (coffer's own limits
// then apply: depth, entries, string lengths).

import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/** How a body is read. */
export interface BodyLimits {
  /** The largest body, in bytes. */
  readonly maxBytes: number;
  /** The longest a body may take to arrive, in milliseconds. */
  readonly timeoutMs: number;
}

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * The request's JSON body, or undefined when it has none. Rejects with an
 * HttpError: 413 past `maxBytes`, 408 past `timeoutMs`, 415 for a body that
 * is not JSON, 400 for malformed JSON or bytes that are not UTF-8.
 */
export function readJsonBody(request: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const declared = request.headers['content-length'];
  const hasBody = declared !== undefined ? declared !== '0' : request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return Promise.resolve(undefined);
  if (!isJson(request.headers['content-type'])) return Promise.reject(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request body must be JSON (Content-Type: application/json)'));
  if (declared !== undefined && !(Number(declared) <= limits.maxBytes)) {
    return Promise.reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `A request body may hold at most ${limits.maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let isDone = false;
    const finish = (error: HttpError | undefined, value?: unknown): void => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
      if (error !== undefined) {
        // Stop reading what is left; the response says why.
        request.resume();
        reject(error);
      } else resolve(value);
    };
    const timer = setTimeout(() => finish(new HttpError(408, 'REQUEST_TIMEOUT', `The request body did not arrive within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.maxBytes) finish(new HttpError(413, 'PAYLOAD_TOO_LARGE', `A request body may hold at most ${limits.maxBytes} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        finish(new HttpError(400, 'VALIDATION', 'The request body is not UTF-8', [{ pointer: '', message: 'is not UTF-8' }]));
        return;
      }
      try {
        finish(undefined, JSON.parse(text));
      } catch {
        finish(new HttpError(400, 'VALIDATION', 'The request body is not valid JSON', [{ pointer: '', message: 'is not valid JSON' }]));
      }
    };
    const onError = (): void => finish(new HttpError(400, 'BAD_REQUEST', 'The request body could not be read'));
    const onAborted = (): void => finish(new HttpError(400, 'BAD_REQUEST', 'The client went away'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
