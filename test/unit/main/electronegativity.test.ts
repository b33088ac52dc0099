import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Doyensec's Electronegativity over main/ and renderer/ together (its global checks,
// such as navigation limits and the CSP, look across both), offline: the check that
// looks up newer Electron releases needs the network and is left out.
const run = promisify(execFile);
const projectDir = new URL('../../..', import.meta.url).pathname;
const cli = join(projectDir, 'node_modules/@doyensec/electronegativity/dist/index.js');
const ELECTRON_VERSION = '45.5.0';

/**
 * Findings that were reviewed and stay: each names its check and file, so the same
 * check anywhere else still fails the test.
 * - PRELOAD_JS_CHECK asks for a review of every preload. Reviewed: the preload exposes
 *   exactly `call` and `onEvent` through contextBridge (main/electron/preload.ts), and
 *   main checks the sender and validates every call (test/unit/main/ipc-guard.test.ts).
 */
const REVIEWED = [{ check: 'PRELOAD_JS_CHECK', file: 'main/electron/main.ts' }] as const;

interface Finding {
  readonly check: string;
  readonly severity: string;
  readonly file: string;
  readonly line: string;
}

function parseCsv(text: string): Finding[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
      return { check: cells[0] ?? '', severity: cells[1] ?? '', file: cells[3] ?? '', line: line };
    });
}

/** Runs the scanner over `app` and returns its findings (its CSV report, read back). */
async function scan(app: string): Promise<Finding[]> {
  const report = join(app, '..', 'report.csv');
  const args = ['-i', app, '-e', ELECTRON_VERSION, '-x', 'AvailableSecurityFixesGlobalCheck'];
  await run(process.execPath, [cli, ...args, '-r', '-v', 'false', '-o', report], {
    timeout: 240_000,
  });
  return parseCsv(await readFile(report, 'utf8'));
}

test('Electronegativity finds nothing of high or medium severity in main/ and renderer/', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mt2-electronegativity-'));
  try {
    const app = join(dir, 'app');
    await cp(join(projectDir, 'main'), join(app, 'main'), { recursive: true });
    await cp(join(projectDir, 'renderer'), join(app, 'renderer'), { recursive: true });
    const findings = await scan(app);
    const serious = findings.filter(
      (finding) =>
        (finding.severity === 'HIGH' || finding.severity === 'MEDIUM') &&
        !REVIEWED.some(
          (reviewed) => reviewed.check === finding.check && reviewed.file === finding.file,
        ),
    );
    assert.deepEqual(
      serious.map((finding) => finding.line),
      [],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Electronegativity does report a window with the sandbox and isolation off (the check is live)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mt2-electronegativity-'));
  try {
    const app = join(dir, 'app');
    await cp(join(projectDir, 'main'), join(app, 'main'), { recursive: true });
    const mainFile = join(app, 'main/electron/main.ts');
    const source = await readFile(mainFile, 'utf8');
    const weakened = source
      .replace('contextIsolation: true', 'contextIsolation: false')
      .replace('sandbox: true', 'sandbox: false');
    assert.notEqual(weakened, source, 'main.ts no longer has the settings this test flips');
    await writeFile(mainFile, weakened);
    const checks = (await scan(app)).map((finding) => finding.check);
    for (const expected of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']) {
      assert.ok(checks.includes(expected), `${expected} in ${checks.join(', ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
