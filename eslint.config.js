// Flat config: typescript-eslint's recommended rules, plus "no any" and "no floating promises"
// because an unhandled rejection in a streaming path would crash the gateway.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Public surfaces: each top-level folder of src/ exposes what other folders may use in its index.ts,
// so a folder can be reorganised without edits elsewhere. For every directory under src/ the rule
// forbids a relative import that climbs up to src/ and goes down into another top-level folder,
// unless it names that folder's index.js. A pattern cannot see the importing file, so there is one
// block per directory (its depth fixes how many '../' reach src/); imports inside a folder, from any
// of its subfolders, never climb that far and are not flagged. Tests may deep-import.
const srcDir = join(import.meta.dirname, 'src');
function sourceDirs(dir) {
  const subdirs = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return [dir, ...subdirs.flatMap((entry) => sourceDirs(join(dir, entry.name)))];
}
// Layering (README "Project layout"): the OpenAI and Anthropic edges speak their APIs over the
// gateway's neutral call and errors and never see Grok's types; the use cases never see an edge or
// the HTTP shell; the call log and metrics take the call context without importing the shell.
const FORBIDDEN_BELOW = {
  openai: ['grok'],
  anthropic: ['grok'],
  gateway: ['openai', 'anthropic', 'server', 'app'],
  calllog: ['server'],
  metrics: ['server'],
};
function publicSurfaceBlock(dir) {
  const path = relative(import.meta.dirname, dir).split('\\').join('/');
  const parts = path.split('/').slice(1); // the folders below src/
  const toSrc = parts.length === 0 ? '\\./' : '(?:\\.\\./){' + parts.length + '}';
  const own = parts.length === 0 ? '' : '(?!' + parts[0] + '/)';
  return {
    files: [path + '/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^' + toSrc + own + '[^./][^/]*/(?!index\\.js$)',
          message: "Import another src/ folder only through its public surface, '<folder>/index.js'; if what you need is missing there, export it from that folder's index.ts.",
        }, ...(FORBIDDEN_BELOW[parts[0]] ?? []).map((folder) => ({
          regex: '^' + toSrc + folder + '/',
          message: `src/${parts[0]}/ must not import src/${folder}/ (layering: README "Project layout").`,
        }))],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/vendor/**', 'data/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...sourceDirs(srcDir).map(publicSurfaceBlock),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
