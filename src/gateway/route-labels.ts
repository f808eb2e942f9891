// The call log shows which egress every attempt left through: RouteAttempts (src/egress) knows the
// route of each attempt, the retry layer owns the attempt records; this joins the two, on success
// and when the retries are exhausted alike. Shared by the chat and media retries.
import type { RouteAttempts } from '../egress/index.js';
import { RetriesExhaustedError, type AttemptRecord } from './retry.js';

/** Runs the retries and puts each attempt's egress on its record (also on the error's records). */
export async function withRouteLabels<T extends { attempts: AttemptRecord[] }>(routes: RouteAttempts, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    routes.annotate(result.attempts);
    return result;
  } catch (err) {
    if (err instanceof RetriesExhaustedError) routes.annotate(err.attempts);
    throw err;
  }
}
