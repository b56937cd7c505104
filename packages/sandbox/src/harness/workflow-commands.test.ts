import { LineSplitter, WorkflowCommandParser, parseWorkflowCommands } from './workflow-commands.js';

describe('parseWorkflowCommands', () => {
  it('un-escapes data and properties the way @actions/core escapes them', () => {
    const log = parseWorkflowCommands(
      '::error title=a%3Ab%2Cc%25,file=x.ts,line=1,col=2,endLine=3,endColumn=4::100%25 done%0D%0Anext %3A kept\n',
    );
    expect(log.annotations).toEqual([
      {
        level: 'error',
        message: '100% done\r\nnext %3A kept', // %3A is escaped in properties only
        properties: { title: 'a:b,c%', file: 'x.ts', line: '1', col: '2', endLine: '3', endColumn: '4' },
      },
    ]);
  });

  it('does not double-decode', () => {
    expect(parseWorkflowCommands('::warning::%250A\n').annotations[0]?.message).toBe('%0A');
  });

  it('collects masks, deprecated set-output/save-state, and ignores other lines', () => {
    const log = parseWorkflowCommands(
      [
        'hello ::error::not at line start',
        '::add-mask::secret-1',
        '::add-mask::',
        '::group::Checks',
        '::endgroup::',
        '::set-output name=legacy::old%0Away',
        '::save-state name=step::2',
        '::unknown-command::x',
        '::ERROR::commands are case-sensitive',
        '::warning title=,file=a.ts::empty property dropped',
        '  ::notice::ok\r',
      ].join('\n'),
    );
    expect(log.masks).toEqual(['secret-1']);
    expect(log.outputs).toEqual({ legacy: 'old\nway' });
    expect(log.state).toEqual({ step: '2' });
    expect(log.annotations).toEqual([
      { level: 'warning', message: 'empty property dropped', properties: { file: 'a.ts' } },
      { level: 'notice', message: 'ok', properties: {} },
    ]);
  });

  it('honours stop-commands until the token comes back', () => {
    const log = parseWorkflowCommands(
      ['::stop-commands::tok', '::error::ignored', '::add-mask::ignored', '::tok::', '::error::seen'].join(
        '\n',
      ),
    );
    expect(log.masks).toEqual([]);
    expect(log.annotations.map((a) => a.message)).toEqual(['seen']);
  });

  it('assembles lines split across chunks', () => {
    const parser = new WorkflowCommandParser();
    const splitter = new LineSplitter((line) => parser.line(line));
    splitter.write('::err');
    splitter.write('or::split');
    splitter.write(' across\n::warning::last without newline');
    splitter.end();
    expect(parser.log.annotations.map((a) => a.message)).toEqual(['split across', 'last without newline']);
  });
});
