/** Machine-readable error codes of the API; clients switch on these, so add, never rename. */
export type HttpErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_input'
  | 'conflict'
  | 'refused'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal';

/** The one error type of the HTTP boundary: thrown anywhere in a handler, rendered by the API error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);
