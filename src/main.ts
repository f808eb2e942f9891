// Process entry: load config, build, listen, shut down gracefully on SIGTERM/SIGINT.
import type { Logger } from 'pino';
import { createGateway, ms } from './app/index.js';
import { listenFailureLine, startupFailureLines } from './server/index.js';

async function main(): Promise<void> {
  let gw;
  try {
    gw = await createGateway();
  } catch (err) {
    // One actionable line (one per problem for a bad configuration), exit 1, no stack trace.
    for (const line of startupFailureLines(err)) console.error(line);
    process.exit(1);
  }
  const { host, port } = gw.loaded.config.server;
  try {
    await gw.app.listen({ host, port });
  } catch (err) {
    console.error(listenFailureLine(host, port, err));
    await gw.close(0).catch(() => undefined); // seeded accounts are still written; a generated password is dropped
    process.exit(1);
  }
  gw.services.logger.info({ host, port, accounts: gw.services.accounts.summary() }, 'grok2api-ts listening');
  gw.started(); // only now: the generated admin password is printed once the gateway is reachable

  // Graceful shutdown (README "Operations"): stop accepting, let in-flight requests and streams
  // finish for up to server.shutdown_timeout, flush pending account writes, exit 0. A second
  // signal exits at once with code 130.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      gw.services.logger.warn({ signal }, 'second signal: exiting now without waiting');
      flushThenExit(gw.services.logger, 130);
      return;
    }
    stopping = true;
    const timeoutMs = ms(gw.loaded.config.server.shutdown_timeout);
    gw.services.logger.info({ signal, timeoutSeconds: timeoutMs / 1000 }, 'shutting down: waiting for in-flight requests and streams');
    // Safety net: draining is bounded by timeoutMs and the final flush normally takes milliseconds.
    const force = setTimeout(() => {
      gw.services.logger.error('shutdown did not finish in time (storage stuck?): exiting');
      process.exit(1);
    }, timeoutMs + 15_000);
    force.unref();
    gw.close(timeoutMs).then(
      () => {
        gw.services.logger.info('shutdown complete');
        flushThenExit(gw.services.logger, 0);
      },
      (err: unknown) => {
        gw.services.logger.error({ err }, 'error during shutdown');
        flushThenExit(gw.services.logger, 1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Exits once the buffered log lines are out: the destination writes in batches, and exiting while
 * one batch is still being written would put the last lines before it. Bounded by a short timer.
 */
function flushThenExit(logger: Logger, code: number): void {
  const exit = (): void => process.exit(code);
  setTimeout(exit, 1000).unref();
  logger.flush(exit);
}

main().catch((err: unknown) => {
  for (const line of startupFailureLines(err)) console.error(line);
  process.exit(1);
});
