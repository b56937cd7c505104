/**
 * The comparison itself could not be made (a query failed, a session lost its pinned settings): not a
 * difference between v1 and v2, so it is raised rather than reported as a failing check. The message
 * names the side, the table and the range concerned, never a password.
 */
export class ParityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParityError';
  }
}
