/** The UI's one error type: a status and a message that is safe to show (it is escaped anyway). */
export class UiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
