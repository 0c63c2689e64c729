import type { Node } from './node.js';

/**
 * Whether two node lists would be used alike: same endpoints in the same order, same weights, and
 * instances alike in what filters and selectors read (id, version, metadata). Registries send a
 * fresh list of fresh objects on every change, so identity says nothing.
 */
export function sameNodes(a: readonly Node[], b: readonly Node[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((node, i) => {
    const other = b[i];
    return (
      other !== undefined &&
      node.endpoint === other.endpoint &&
      node.weight === other.weight &&
      (node.instance === other.instance ||
        (node.instance.id === other.instance.id &&
          node.instance.version === other.instance.version &&
          sameRecord(node.instance.metadata, other.instance.metadata)))
    );
  });
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b ?? {}).length && keys.every((key) => a[key] === b[key]);
}
