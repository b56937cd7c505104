import { XMLBuilder } from 'fast-xml-parser';
import type { XmlNode, XmlValue } from './types.js';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

/** Dates go out as ISO-8601 text, which the Query deserializer parses into `Date`. */
function normalise(value: XmlValue): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) out[key] = normalise(child);
    }
    return out;
  }
  return value;
}

export function toXml(root: XmlNode): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build(normalise(root));
}

/** A list as AWS Query writes it: `<Items><Item>…</Item><Item>…</Item></Items>`. Empty → `<Items></Items>`. */
export function xmlList(itemElement: string, items: XmlValue[]): XmlNode | string {
  return items.length === 0 ? '' : { [itemElement]: items };
}
