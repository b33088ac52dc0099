// No API method's result type has room for private key material: every field reachable
// from ApiResults (through arrays, unions and nested views) is walked with the
// TypeScript compiler, and a field named like a key, a PKCS#8/PKCS#12 blob or a secret
// fails the test. Public-key facts that merely mention "key" are listed by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const METHODS_FILE = fileURLToPath(new URL('../../../src/api/methods.ts', import.meta.url));

/** Fields about the public key (certificate details), not the key itself. */
const PUBLIC_KEY_FACTS: ReadonlySet<string> = new Set([
  'keyAlgorithm',
  'keyUsage',
  'extendedKeyUsage',
]);
const SECRET_NAME = /private|pkcs8|pkcs12|p12|pfx|secret|passphrase|password|seed/i;
const KEY_NAME = /key/i;

function suspicious(name: string): boolean {
  if (PUBLIC_KEY_FACTS.has(name)) return false;
  return SECRET_NAME.test(name) || KEY_NAME.test(name);
}

interface Field {
  readonly path: string;
  readonly name: string;
}

function resultFields(): { methods: string[]; fields: Field[] } {
  const program = ts.createProgram([METHODS_FILE], {
    strict: true,
    exactOptionalPropertyTypes: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    allowImportingTsExtensions: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(METHODS_FILE);
  assert.ok(source !== undefined, 'src/api/methods.ts not found by the compiler');
  const results = source.statements.find(
    (node): node is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(node) && node.name.text === 'ApiResults',
  );
  assert.ok(results !== undefined, 'ApiResults is not declared in src/api/methods.ts');

  const fields: Field[] = [];
  const seen = new Set<ts.Type>();
  const walk = (type: ts.Type, path: string): void => {
    if (seen.has(type)) return;
    seen.add(type);
    if (type.isUnionOrIntersection()) {
      for (const part of type.types) walk(part, path);
      return;
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const element of checker.getTypeArguments(type as ts.TypeReference))
        walk(element, `${path}[]`);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration === undefined) continue;
      // Methods of built-ins (a string's, an array's) are not data.
      if (declaration.getSourceFile().isDeclarationFile) continue;
      const fieldPath = `${path}.${property.name}`;
      fields.push({ path: fieldPath, name: property.name });
      walk(checker.getTypeOfSymbolAtLocation(property, declaration), fieldPath);
    }
  };
  const methods: string[] = [];
  for (const member of checker.getPropertiesOfType(checker.getTypeAtLocation(results))) {
    methods.push(member.name);
    const declaration = member.valueDeclaration;
    assert.ok(declaration !== undefined);
    walk(checker.getTypeOfSymbolAtLocation(member, declaration), member.name);
  }
  return { methods, fields };
}

test('no field of any API result is named like private key material', () => {
  const { methods, fields } = resultFields();
  // The walk really reached the views (a broken walk would pass vacuously).
  assert.ok(methods.includes('certificateDetails') && methods.includes('exportIdentity'));
  const paths = fields.map((field) => field.path);
  assert.ok(paths.includes('certificateDetails.fingerprints.sha256'), 'details not walked');
  // Each type is walked once, at its first path; certificate summaries were reached.
  assert.ok(
    paths.some((path) => path.endsWith('.certificate.notAfter')),
    'summaries not walked',
  );
  assert.ok(paths.includes('certificateDetails.keyAlgorithm'));
  const offending = fields.filter((field) => suspicious(field.name)).map((field) => field.path);
  assert.deepEqual(offending, []);
});

test('the name check itself catches key-like fields', () => {
  for (const name of ['privateKey', 'key', 'keyPem', 'pkcs8', 'p12', 'passphrase', 'secretKey'])
    assert.ok(suspicious(name), name);
  for (const name of ['keyAlgorithm', 'keyUsage', 'subject', 'fingerprints', 'pem'])
    assert.ok(!suspicious(name), name);
});
