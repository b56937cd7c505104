/** The AWS request id of a call's output, for an event's `requestIds` (`$metadata.requestId`). */
export function requestIdOf(output: { $metadata: { requestId?: string } }): string | undefined {
  return output.$metadata.requestId;
}
