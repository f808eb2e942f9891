// `npm run doctor [-- <sso cookie>]`: checks one account against the configured grok.com (see
// src/doctor/run-doctor.ts). The cookie comes from GROK2API_DOCTOR_SSO, else the first argument,
// else the first line of stdin (so it need not appear in the shell history). Configuration is the
// gateway's own: config.defaults.toml, data/config.toml (DATA_DIR), GROK2API_* variables.
import { loadConfig } from '../src/config/index.js';
import { runDoctor } from '../src/doctor/run-doctor.js';
import { normalizeSsoToken } from '../src/grok/index.js';

async function readStdinLine(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 16_384) break;
  }
  return text.split('\n')[0]?.trim() ?? '';
}

async function main(): Promise<number> {
  const raw = process.env.GROK2API_DOCTOR_SSO || process.argv[2] || (await readStdinLine());
  if (!raw) {
    process.stderr.write('usage: GROK2API_DOCTOR_SSO=<sso cookie> npm run doctor   (or: npm run doctor -- <sso>, or the cookie on stdin)\n');
    return 2;
  }
  let config;
  try {
    config = loadConfig().config;
  } catch (err) {
    process.stderr.write(`configuration error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const ok = await runDoctor({ config, token: normalizeSsoToken(raw), print: (line) => process.stdout.write(`${line}\n`) });
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`doctor crashed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
