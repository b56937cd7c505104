// Prints the plain closing line "N passed, N failed, N skipped" after Jest's own summary, so that a
// CI log reader that does not know Jest's format still sees how many tests ran.
export default class CountReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    console.log(
      `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`,
    );
  }
}
