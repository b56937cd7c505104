/**
 * Reads the files behind GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE the way the runner does:
 * `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks; whichever of `=` and `<<` comes
 * first on the line decides. A malformed file fails the step on the runner, so it throws here
 * with the runner's wording.
 */
export function parseKeyValueFile(text: string, command = 'output'): Record<string, string> {
  const result: Record<string, string> = {};
  function fail(detail: string): never {
    throw new Error(`Unable to process file command '${command}' successfully. ${detail}`);
  }
  let index = 0;
  for (let line = readLine(text, index); line !== undefined; line = readLine(text, index)) {
    index = line.next;
    const content = line.content;
    if (content === '') continue;
    const equals = content.indexOf('=');
    const heredoc = content.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = content.slice(0, equals);
      if (name === '') fail(`Invalid format '${content}'. Name must not be empty`);
      result[name] = content.slice(equals + 1);
    } else if (heredoc >= 0) {
      const name = content.slice(0, heredoc);
      const delimiter = content.slice(heredoc + 2);
      if (name === '' || delimiter === '') {
        fail(`Invalid format '${content}'. Name must not be empty and delimiter must not be empty`);
      }
      const start = index;
      let end = index;
      for (;;) {
        const valueLine = readLine(text, index);
        if (valueLine === undefined) fail(`Invalid value. Matching delimiter not found '${delimiter}'`);
        index = valueLine.next;
        if (valueLine.content === delimiter) break;
        if (valueLine.newline === '') fail('Invalid value. EOF marker missing new line.');
        end = index - valueLine.newline.length;
      }
      result[name] = text.slice(start, end);
    } else {
      fail(`Invalid format '${content}'`);
    }
  }
  return result;
}

interface Line {
  content: string;
  /** `\n`, `\r\n`, or '' for a last line without one. */
  newline: string;
  next: number;
}

function readLine(text: string, from: number): Line | undefined {
  if (from >= text.length) return undefined;
  const lf = text.indexOf('\n', from);
  if (lf < 0) return { content: text.slice(from), newline: '', next: text.length };
  const crlf = lf > from && text[lf - 1] === '\r';
  return { content: text.slice(from, crlf ? lf - 1 : lf), newline: crlf ? '\r\n' : '\n', next: lf + 1 };
}
