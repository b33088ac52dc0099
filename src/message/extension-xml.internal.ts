import { MessageError } from './errors.ts';
import { OID_PATTERN, type Mt2Extension } from './extension.ts';
import type { ElementReader } from './xml-read.internal.ts';
import type { XmlElement, XmlNode } from './xml-tree.ts';
import { element } from './xml-write.internal.ts';

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Reads `<extension oid critical>...</extension>`, keeping its content as is. */
export function readExtension(reader: ElementReader): Mt2Extension {
  reader.allowAttributes('oid', 'critical');
  const oid = reader.requiredAttribute('oid');
  if (!OID_PATTERN.test(oid)) reader.fail(`'${oid}' is not a dotted OID`, `${reader.path}/@oid`);
  return {
    oid,
    critical: reader.booleanAttribute('critical', false),
    content: reader.element.children,
  };
}

function checkContent(nodes: readonly XmlNode[], path: string): void {
  for (const node of nodes) {
    if (typeof node === 'string') continue;
    const at = `${path}/${node.name}`;
    if (!XML_NAME.test(node.name))
      throw new MessageError('XML_UNENCODABLE', `'${node.name}' is no XML name`, at);
    for (const name of Object.keys(node.attributes)) {
      if (!XML_NAME.test(name))
        throw new MessageError('XML_UNENCODABLE', `'${name}' is no XML name`, `${at}/@${name}`);
    }
    checkContent(node.children, at);
  }
}

/** Writes an extension element; XML_UNENCODABLE for a bad OID or content names. */
export function writeExtension(extension: Mt2Extension, path: string): XmlElement {
  if (!OID_PATTERN.test(extension.oid)) {
    throw new MessageError(
      'XML_UNENCODABLE',
      `'${extension.oid}' is not a dotted OID`,
      `${path}/@oid`,
    );
  }
  checkContent(extension.content, path);
  return element(
    'extension',
    { oid: extension.oid, critical: String(extension.critical) },
    extension.content,
  );
}
