/** A node of `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, as far as the benchmarks read it. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Actual Total Time': number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'Heap Fetches'?: number;
  'Plans'?: PlanNode[];
}

/** Every scan of a plan, one line each: node type, index or table, rows (loops × rows), heap fetches. */
export function scansOf(node: PlanNode): string[] {
  const here =
    node['Relation Name'] || node['Index Name']
      ? [
          `${node['Node Type']} ${node['Index Name'] ?? node['Relation Name']} ${node['Actual Loops'] > 1 ? `${node['Actual Loops']}×${node['Actual Rows']}` : node['Actual Rows']} rows${node['Heap Fetches'] !== undefined ? ` (heap fetches ${node['Heap Fetches']})` : ''}`,
        ]
      : [];
  return [...here, ...(node.Plans ?? []).flatMap(scansOf)];
}
