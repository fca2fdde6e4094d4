/** The one error type intake hands to smtp-server: `responseCode` becomes the SMTP reply code. */
export class SmtpReject extends Error {
  constructor(
    readonly responseCode: number,
    enhanced: string,
    text: string,
  ) {
    super(`${enhanced} ${text}`);
    this.name = 'SmtpReject';
  }
}
