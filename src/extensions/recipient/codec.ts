// Whole extension elements <-> typed payloads, for any registered extension. The
// consent engine uses these, and so can mt2d's list host, which reads control
// messages without a consent engine.
import type { Mt2Extension, XmlNode } from '../../message/index.ts';
import type { PayloadBase, RecipientExtension } from './spec.ts';
import { readPayloadRoot, writePayloadRoot, type ApprovalMark } from './xml-payload.ts';

/** A decoded payload and the approval mark it carried, if any. */
export interface DecodedPayload<P extends PayloadBase> {
  readonly payload: P;
  readonly approval?: ApprovalMark;
}

/** Reads the content of an extension element of `extension`; throws ExtensionError. */
export function decodePayload<P extends PayloadBase>(
  extension: RecipientExtension<P>,
  content: readonly XmlNode[],
): DecodedPayload<P> {
  const root = readPayloadRoot(content, extension.namespace, extension.version);
  const payload = extension.decode(root.element);
  return root.approval === undefined ? { payload } : { payload, approval: root.approval };
}

/** The extension element carrying `payload` (with `approval` marked when given). */
export function encodePayload<P extends PayloadBase>(
  extension: RecipientExtension<P>,
  payload: P,
  approval?: ApprovalMark,
): Mt2Extension {
  return {
    oid: extension.oid,
    critical: extension.critical,
    content: writePayloadRoot(
      extension.encode(payload),
      extension.namespace,
      extension.version,
      approval,
    ),
  };
}
