import { netOpenCasesDeltas, openCasesDeltas } from './agent-open-cases.js';

const open = (assigneeId: string | null) => ({ shopId: 's', assigneeId, archivedAt: null });
const archived = (assigneeId: string | null) => ({ shopId: 's', assigneeId, archivedAt: new Date('2026-11-30T00:00:00Z') });

describe('open cases per agent', () => {
  it.each([
    ['a claim', open(null), open('a'), [{ agentId: 'a', shopId: 's', delta: 1 }]],
    [
      'a transfer',
      open('a'),
      open('b'),
      [
        { agentId: 'a', shopId: 's', delta: -1 },
        { agentId: 'b', shopId: 's', delta: 1 },
      ],
    ],
    ['a release', open('a'), open(null), [{ agentId: 'a', shopId: 's', delta: -1 }]],
    ['an archive', open('a'), archived('a'), [{ agentId: 'a', shopId: 's', delta: -1 }]],
    ['an event that keeps the holder', open('a'), open('a'), []],
    ['an unassigned case archived', open(null), archived(null), []],
    ['a reassignment of an archived case', archived('a'), archived('b'), []],
  ])('should move the counters for %s', (_name, before, after, expected) => {
    expect(openCasesDeltas(before, after)).toEqual(expected);
  });

  it('should net the moves of a batch to one per agent, drop those that cancel and sort by agent', () => {
    const moves = [
      ...openCasesDeltas(open(null), open('c')),
      ...openCasesDeltas(open('c'), open('a')),
      ...openCasesDeltas(open(null), open('b')),
      ...openCasesDeltas(open('b'), archived('b')),
      ...openCasesDeltas(open(null), open('a')),
    ];
    expect(netOpenCasesDeltas(moves)).toEqual([{ agentId: 'a', shopId: 's', delta: 2 }]);
    expect(
      netOpenCasesDeltas([
        { agentId: 'z', shopId: 's', delta: 1 },
        { agentId: 'b', shopId: 's', delta: -1 },
      ]).map((d) => d.agentId),
    ).toEqual(['b', 'z']);
  });
});
