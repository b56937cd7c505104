import { parseKeyValueFile } from './file-commands.js';

describe('parseKeyValueFile', () => {
  it('reads name=value lines and heredoc blocks, as @actions/core writes them', () => {
    const text = [
      'plain=value with = signs',
      'report<<ghadelimiter_1f0c',
      '{"a":1,',
      '"b":2}',
      'ghadelimiter_1f0c',
      '',
      'empty<<EOF',
      'EOF',
      'blank=',
      '',
    ].join('\n');
    expect(parseKeyValueFile(text)).toEqual({
      plain: 'value with = signs',
      report: '{"a":1,\n"b":2}',
      empty: '',
      blank: '',
    });
  });

  it('keeps blank lines inside a value and lets the last write win', () => {
    expect(parseKeyValueFile('x<<D\n\none\n\nD\nx<<D\ntwo\nD\n')).toEqual({ x: 'two' });
    expect(parseKeyValueFile('x<<D\n\none\n\nD\n')).toEqual({ x: '\none\n' });
  });

  it('decides between = and << by whichever comes first', () => {
    expect(parseKeyValueFile('a=b<<c\n')).toEqual({ a: 'b<<c' });
    expect(parseKeyValueFile('a<<D=\nv\nD=\n')).toEqual({ a: 'v' });
  });

  it('accepts CRLF line ends', () => {
    expect(parseKeyValueFile('a=1\r\nb<<D\r\nx\r\ny\r\nD\r\n')).toEqual({ a: '1', b: 'x\r\ny' });
  });

  it('fails as the runner does on a malformed file', () => {
    expect(() => parseKeyValueFile('x<<EOF\nvalue\n', 'output')).toThrow(
      "Unable to process file command 'output' successfully. Invalid value. Matching delimiter not found 'EOF'",
    );
    expect(() => parseKeyValueFile('x<<EOF\nvalueEOF\n')).toThrow(/Matching delimiter not found/);
    expect(() => parseKeyValueFile('no separator\n', 'env')).toThrow(
      /file command 'env'.*Invalid format 'no separator'/,
    );
    expect(() => parseKeyValueFile('=value\n')).toThrow(/Name must not be empty/);
    expect(() => parseKeyValueFile('x<<\n')).toThrow(/delimiter must not be empty/);
  });
});
