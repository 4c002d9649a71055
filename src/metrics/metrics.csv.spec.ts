import { agentsCsv, summaryCsv, wantsCsv } from './metrics.csv.js';

describe('metrics CSV', () => {
  it('should answer CSV only when text/csv is preferred over JSON', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv, application/json;q=0.5')).toBe(true);
    expect(wantsCsv('application/json, text/csv;q=0.9')).toBe(false);
    expect(wantsCsv('text/csv;q=0.5, */*;q=0.8')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
    expect(wantsCsv('text/csv;q=0')).toBe(false);
  });

  it('should flatten the summary to dotted metric names in order, empty for null', () => {
    expect(summaryCsv({ opened: { total: 3, byType: { refund: 2 } }, firstResponse: { medianSeconds: null }, goldTeam: { met: false }, label: 'a, b' })).toBe(
      'metric,value\r\nopened.total,3\r\nopened.byType.refund,2\r\nfirstResponse.medianSeconds,\r\ngoldTeam.met,false\r\nlabel,"a, b"\r\n',
    );
  });

  it('should keep a display name that looks like a formula as text', () => {
    const csv = agentsCsv({
      agents: [
        {
          agentId: 'a1',
          displayName: '=HYPERLINK("x")',
          role: 'agent',
          active: true,
          handled: 1,
          openNow: 2,
          overdueNow: 0,
          dueSoonNow: 1,
          firstResponse: { count: 1, medianSeconds: 60 },
          satisfaction: { ratings: 0, satisfied: 0, satisfiedShare: 0 },
        },
      ],
    });
    expect(csv.split('\r\n')[1]).toBe(`a1,"'=HYPERLINK(""x"")",agent,true,1,2,0,1,1,60,0,0,0`);
  });

  it('should write negative figures as numbers and neutralise text leaves that start like a formula', () => {
    expect(summaryCsv({ delta: -100, share: -0.5, label: '-1+2', note: '@x', plain: '-42' })).toBe(
      `metric,value\r\ndelta,-100\r\nshare,-0.5\r\nlabel,"'-1+2"\r\nnote,"'@x"\r\nplain,-42\r\n`,
    );
  });
});
