// Process entry: load config, build, listen, shut down gracefully on SIGTERM/SIGINT.
import { ConfigError } from './config/index.js';
import { createGateway } from './gateway.js';

async function main(): Promise<void> {
  let gw;
  try {
    gw = await createGateway();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`config error: ${p}`);
      console.error('grok2api-ts did not start: fix the configuration above (config.defaults.toml lists every key).');
      process.exit(1);
    }
    throw err;
  }
  const { host, port } = gw.loaded.config.server;
  await gw.app.listen({ host, port });
  gw.services.logger.info({ host, port, accounts: gw.services.accounts.summary() }, 'grok2api-ts listening');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      gw.services.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    gw.services.logger.info({ signal }, 'shutting down');
    const timeoutMs = gw.loaded.config.server.shutdown_timeout * 1000;
    const force = setTimeout(() => {
      gw.services.logger.warn('shutdown timeout reached: exiting with streams still open');
      process.exit(0);
    }, timeoutMs);
    force.unref();
    gw.close().then(
      () => process.exit(0),
      (err: unknown) => {
        gw.services.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
