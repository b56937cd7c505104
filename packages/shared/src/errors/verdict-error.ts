/**
 * The step fails because what it checked is not as it must be (v2 unhealthy, a guard refusing): an
 * expected outcome with its own message, not a defect, so no stack trace is printed.
 */
export class VerdictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerdictError';
  }
}
