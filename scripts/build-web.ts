// Bundles the admin console (web/) into static files the gateway serves at /manage:
// index.html, app-<hash>.js, app-<hash>.css, favicon.svg. esbuild does the TypeScript/JSX and CSS;
// hashed names let browsers cache assets for good while index.html is revalidated.
// Used by `npm run build` and by the browser tests (which build into a temporary directory).
// Usage: tsx scripts/build-web.ts [--out dir] [--dev]
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');
export const DEFAULT_WEB_OUT = join(ROOT, 'dist', 'public', 'manage');
/** Where the console is served from; asset URLs in index.html are absolute under it. */
const BASE = '/manage/';

export interface WebBuildResult {
  outDir: string;
  /** Output file names and sizes in bytes. */
  files: Record<string, number>;
}

export async function buildWeb(outDir: string = DEFAULT_WEB_OUT, opts: { minify?: boolean } = {}): Promise<WebBuildResult> {
  // Old hashed files would pile up otherwise.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: join(WEB, 'src', 'main.tsx') },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(WEB, 'tsconfig.json'),
    minify: opts.minify ?? true,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error(`web build: expected one .js and one .css output, got ${outputs.join(', ')}`);
  const html = readFileSync(join(WEB, 'index.html'), 'utf8').replaceAll('%APP_JS%', BASE + js).replaceAll('%APP_CSS%', BASE + css).replaceAll('%BASE%', BASE);
  writeFileSync(join(outDir, 'index.html'), html);
  copyFileSync(join(WEB, 'favicon.svg'), join(outDir, 'favicon.svg'));
  const files: Record<string, number> = {};
  for (const f of [js, css, 'index.html', 'favicon.svg']) files[f] = readFileSync(join(outDir, f)).length;
  return { outDir, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1] as string) : DEFAULT_WEB_OUT;
  buildWeb(out, { minify: !args.includes('--dev') }).then(
    (r) => {
      const sizes = Object.entries(r.files).map(([f, n]) => `${f} ${(n / 1024).toFixed(1)} KB`);
      console.log(`web: ${r.outDir}: ${sizes.join(', ')}`);
    },
    (err: unknown) => {
      console.error(`web build failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
