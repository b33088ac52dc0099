import type { XmlElement, XmlNode } from './xml-tree.ts';

/** Builds an element of our schema; attributes whose value is undefined are left out. */
export function element(
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: readonly XmlNode[] = [],
): XmlElement {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes))
    if (value !== undefined) present[key] = value;
  return { name, attributes: present, children };
}

/** Puts each child on its own line, indented for `depth`, so the documents read well. */
export function indented(children: readonly XmlElement[], depth: number): XmlNode[] {
  if (children.length === 0) return [];
  const nodes: XmlNode[] = [];
  for (const child of children) nodes.push(`\n${'  '.repeat(depth + 1)}`, child);
  nodes.push(`\n${'  '.repeat(depth)}`);
  return nodes;
}
