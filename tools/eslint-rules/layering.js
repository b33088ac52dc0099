// ESLint rule `mt2/layering`: the import rules of docs/architecture.md, enforced.
//
// Every linted file belongs to a layer found from its path; a file under src/ that
// matches no layer is itself an error (anything not configured is denied). For each
// import the rule checks, in order: forbidden packages (electron, react, DOM) in src/,
// node builtins where the layer may not use them, which other layers may be imported,
// that another src/ folder is entered only through its index.ts, and that
// `*.internal.ts` files are imported only from their own folder.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * @typedef {object} Layer
 * @property {string} name
 * @property {(file: string) => boolean} matches   file is relative to the project, with '/'
 * @property {readonly string[]} mayImport        other layers this one may import
 * @property {boolean} nodeBuiltins                whether node:* and builtins are allowed
 * @property {boolean} [typeOnly]                 imports of other layers must be `import type`
 */

const SRC_FOLDERS = [
  'protocol',
  'message',
  'identity',
  'extensions',
  'client',
  'server',
  'api',
  'cli',
];

/** All of src/protocol but its node/ adapters is pure, socket-free code. */
const PURE_PROTOCOL = /^src\/protocol\/(?!node\/)/;

/** @type {readonly Layer[]} */
export const LAYERS = [
  srcLayer('protocol', [], true),
  srcLayer('message', [], true),
  srcLayer('api', [], false),
  srcLayer('identity', ['message'], true),
  srcLayer('extensions', ['protocol', 'message', 'identity'], true),
  srcLayer('client', ['protocol', 'message', 'identity', 'extensions', 'api'], true),
  srcLayer('server', ['protocol', 'message', 'identity', 'extensions'], true),
  srcLayer('cli', ['client', 'server', 'api', 'message', 'identity'], true),
  {
    name: 'main',
    matches: (file) => file.startsWith('main/'),
    mayImport: ['client', 'server', 'api', 'main'],
    nodeBuiltins: true,
  },
  {
    name: 'renderer',
    matches: (file) => file.startsWith('renderer/'),
    mayImport: ['api', 'renderer'],
    nodeBuiltins: false,
    typeOnly: true,
  },
  {
    name: 'tooling',
    matches: (file) => /^(test|bench|tools|bin)\//.test(file) || !file.includes('/'),
    mayImport: [...SRC_FOLDERS, 'main', 'renderer', 'tooling'],
    nodeBuiltins: true,
  },
];

/**
 * @param {string} folder
 * @param {readonly string[]} mayImport
 * @param {boolean} nodeBuiltins
 * @returns {Layer}
 */
function srcLayer(folder, mayImport, nodeBuiltins) {
  return {
    name: folder,
    matches: (file) => file.startsWith(`src/${folder}/`),
    mayImport: [folder, ...mayImport],
    nodeBuiltins,
  };
}

const FORBIDDEN_IN_SRC = /^(electron|react|react-dom)(\/|$)/;

/** @param {string} file @returns {string | undefined} */
function layerOfPath(file) {
  return LAYERS.find((layer) => layer.matches(file))?.name;
}

/** @param {string} specifier */
function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:');
}

/** @type {import('eslint').Rule.RuleModule} */
export const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import rules of docs/architecture.md' },
    schema: [],
    messages: {
      unclassified:
        "'{{file}}' belongs to no layer; add its folder to tools/eslint-rules/layering.js",
      forbiddenPackage: "src/ never imports '{{specifier}}' (src runs on plain Node)",
      nodeBuiltin: "the {{layer}} layer may not import Node builtins ('{{specifier}}')",
      pureProtocol:
        "src/protocol is socket-free outside node/; move '{{specifier}}' use to src/protocol/node/",
      layer: "the {{layer}} layer may not import the {{target}} layer ('{{specifier}}')",
      deepImport:
        "import src/{{target}} through its index.ts, not '{{specifier}}' (a folder's index.ts is its public face)",
      internal: "'{{specifier}}' is internal to its folder",
      typeOnly: "the {{layer}} layer may import '{{specifier}}' only with `import type`",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = relative(root, context.filename).split(sep).join('/');
    const layer = LAYERS.find((candidate) => candidate.matches(file));

    /**
     * @param {import('estree').Node} node
     * @param {string} specifier
     * @param {boolean} typeOnly
     */
    function check(node, specifier, typeOnly) {
      if (layer === undefined) return;
      const inSrc = file.startsWith('src/');
      if (inSrc && FORBIDDEN_IN_SRC.test(specifier)) {
        context.report({ node, messageId: 'forbiddenPackage', data: { specifier } });
        return;
      }
      if (layer.name === 'renderer' && (specifier === 'electron' || isNodeBuiltin(specifier))) {
        context.report({
          node,
          messageId: 'nodeBuiltin',
          data: { layer: layer.name, specifier },
        });
        return;
      }
      if (isNodeBuiltin(specifier)) {
        if (!layer.nodeBuiltins) {
          context.report({
            node,
            messageId: 'nodeBuiltin',
            data: { layer: layer.name, specifier },
          });
        } else if (PURE_PROTOCOL.test(file)) {
          context.report({ node, messageId: 'pureProtocol', data: { specifier } });
        }
        return;
      }
      if (!specifier.startsWith('.')) return;

      const target = relative(root, resolve(dirname(context.filename), specifier))
        .split(sep)
        .join('/');
      const targetLayer = layerOfPath(target);
      if (targetLayer === undefined) return;
      if (!layer.mayImport.includes(targetLayer)) {
        context.report({
          node,
          messageId: 'layer',
          data: { layer: layer.name, target: targetLayer, specifier },
        });
        return;
      }
      if (layer.typeOnly && targetLayer !== layer.name && !typeOnly) {
        context.report({ node, messageId: 'typeOnly', data: { layer: layer.name, specifier } });
        return;
      }
      const targetFolder = /^src\/([^/]+)\//.exec(target)?.[1];
      const ownFolder = /^src\/([^/]+)\//.exec(file)?.[1];
      if (
        inSrc &&
        targetFolder !== undefined &&
        targetFolder !== ownFolder &&
        target !== `src/${targetFolder}/index.ts`
      ) {
        context.report({
          node,
          messageId: 'deepImport',
          data: { target: targetFolder, specifier },
        });
        return;
      }
      if (target.endsWith('.internal.ts') && dirname(target) !== dirname(file)) {
        context.report({ node, messageId: 'internal', data: { specifier } });
      }
    }

    return {
      Program(node) {
        if (layer === undefined && file.startsWith('src/')) {
          context.report({ node, messageId: 'unclassified', data: { file } });
        }
      },
      ImportDeclaration(node) {
        const typeOnly =
          /** @type {{ importKind?: string }} */ (node).importKind === 'type' ||
          (node.specifiers.length > 0 &&
            node.specifiers.every(
              (s) => /** @type {{ importKind?: string }} */ (s).importKind === 'type',
            ));
        check(node, String(node.source.value), typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) {
          const typeOnly = /** @type {{ exportKind?: string }} */ (node).exportKind === 'type';
          check(node, String(node.source.value), typeOnly);
        }
      },
      ExportAllDeclaration(node) {
        const typeOnly = /** @type {{ exportKind?: string }} */ (node).exportKind === 'type';
        check(node, String(node.source.value), typeOnly);
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') {
          check(node, node.source.value, false);
        }
      },
    };
  },
};

export default { rules: { layering } };
