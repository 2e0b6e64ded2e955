// A lean production install (issue 12): `npm ci --omit=dev` with a prebuilt dist/ and dist-server/
// must run the server, so build tools are devDependencies and everything the compiled server
// imports at run time is a runtime dependency (or part of Node).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../../scripts/builds.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
};

const BUILD_TOOLS = ['vite', 'typescript', 'tsx', '@vitejs/plugin-react', 'vite-plugin-compression2', 'vitest'];

it('keeps the build tools out of the runtime dependencies, and needs none of them to run the compiled server', () => {
  for (const tool of BUILD_TOOLS) {
    expect(pkg.dependencies[tool], tool).toBeUndefined();
    expect(pkg.devDependencies[tool], tool).toBeDefined();
    // What `npm ci --omit=dev` skips: the lock marks the package dev-only.
    expect(lock.packages[`node_modules/${tool}`]?.dev, tool).toBe(true);
  }
  expect(lock.packages['']!.dependencies).toEqual(pkg.dependencies);
  expect(lock.packages['']!.devDependencies).toEqual(pkg.devDependencies);
  // `npm install && npm start` still builds first (npm install installs the dev dependencies);
  // a lean install runs the prebuilt server without building.
  expect(pkg.scripts.prestart).toBe('npm run build');
  expect(pkg.scripts.serve).toMatch(/^node .*dist-server\/server\/main\.js$/);
  // What a lean install runs is node on dist-server and nothing else: no build tool, no TypeScript source.
  for (const script of ['serve', 'export']) {
    expect(pkg.scripts[script], script).toMatch(/^node [^&|;]*dist-server\/[^ ]+\.js$/);
    for (const tool of BUILD_TOOLS) expect(pkg.scripts[script]!.split(/\s+/), `${script} uses ${tool}`).not.toContain(tool);
  }
  expect(pkg.scripts.export).toMatch(/ dist-server\/server\/cli\/export\.js$/);

  // And the compiled server, all a lean install runs, needs nothing else but Node.
  const dir = path.join(ROOT, 'dist-server');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.js')) files.push(path.join(d, e.name));
    }
  };
  walk(dir);
  expect(files.length).toBeGreaterThan(10);
  const builtins = new Set(builtinModules);
  const needed = new Map<string, string>();
  for (const file of files) {
    const code = fs.readFileSync(file, 'utf8');
    // Static and dynamic imports, and require() (the checkpoint worker's eval'd source uses it).
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      needed.set(name, path.relative(ROOT, file));
    }
  }
  expect(needed.size).toBeGreaterThan(3);
  for (const [name, file] of needed) expect(pkg.dependencies[name], `${name} (imported by ${file})`).toBeDefined();
});

it('compiles the export CLI with the server, so `npm run export` has its file in dist-server', () => {
  // The files `tsc -p tsconfig.server.json` compiles (what `npm run build` and the tests' build emit).
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const shown = JSON.parse(execFileSync(process.execPath, [tsc, '-p', 'tsconfig.server.json', '--showConfig'], { cwd: ROOT, encoding: 'utf8' })) as {
    files: string[];
    compilerOptions: { outDir: string; rootDir: string };
  };
  const files = shown.files.map((f) => path.normalize(f));
  expect(files).toContain(path.normalize('server/main.ts'));
  expect(files).toContain(path.normalize('server/cli/export.ts'));
  // Where it lands is where the script runs it from.
  const out = path.join(shown.compilerOptions.outDir, path.relative(shown.compilerOptions.rootDir, 'server/cli/export.ts')).replace(/\.ts$/, '.js');
  expect(path.normalize(pkg.scripts.export!.split(/\s+/).at(-1)!)).toBe(path.normalize(out));
  expect(fs.existsSync(path.join(ROOT, out))).toBe(true);
});
