// One page of accounts: masked token, tier, status, a quota bar per bucket with its reset
// countdown, the Imagine media buckets (image pro / edit / video: what is left, or "?" when Grok
// does not say), tags, note, counters and the last error. Rows are rendered in batches (a 500-row
// page appears without freezing the tab); countdowns tick on the shared clock.
import type { MediaQuotaView, QuotaView, TokenRow } from '../../api/types';
import { Meter } from '../../ui/bar';
import { fmtAgo, fmtDuration } from '../../ui/format';
import { useProgressive } from '../../ui/progressive';
import { useNow } from '../../ui/ticker';

function QuotaLine(props: { bucket: string; q: QuotaView }) {
  const now = useNow();
  const { q } = props;
  const cooling = q.coolingUntil > now;
  const resetDue = q.resetAt > 0 && q.resetAt <= now;
  // A window whose reset passed is full again at the next use (what the pool does).
  const remaining = resetDue ? q.total : cooling ? 0 : q.remaining;
  let when = '';
  if (cooling) when = `cooling ${fmtDuration(q.coolingUntil - now)}`;
  else if (q.resetAt > now) when = `resets in ${fmtDuration(q.resetAt - now)}`;
  return (
    <div class="quota" title={q.syncedAt ? `synced ${fmtAgo(q.syncedAt, now)}` : 'local estimate (never synced)'}>
      <span class="quota-name">{props.bucket}</span>
      <Meter value={remaining} max={q.total} label={`${props.bucket}: ${remaining} of ${q.total} left`} />
      <span class="quota-num">
        {remaining}/{q.total}
      </span>
      {when && <span class={`quota-when${cooling ? ' bad' : ''}`}>{when}</span>}
    </div>
  );
}

const MEDIA_LABELS: Record<string, string> = { image_pro: 'image pro', image_edit: 'edit', video: 'video 480p', video_720p: 'video 720p' };

/** The media buckets in one line: "image pro 2 · edit ? · video 480p –" (– = not offered). */
function MediaQuotas(props: { media: Record<string, MediaQuotaView> }) {
  const now = useNow();
  const entries = Object.entries(props.media);
  if (entries.length === 0) return null;
  return (
    <div class="media-quota muted tiny">
      {entries.map(([b, m], i) => {
        const left = !m.available && m.remaining === null ? '–' : m.remaining === null ? '?' : String(m.remaining);
        const title = `${MEDIA_LABELS[b] ?? b}: ${m.available ? 'available' : 'unavailable'}${m.remaining === null ? ', count unknown' : `, ${m.remaining} left`}${m.resetAt && m.resetAt > now ? `, refills in ${fmtDuration(m.resetAt - now)}` : ''}`;
        return (
          <span key={b} title={title} data-bucket={b}>
            {i > 0 ? ' · ' : ''}
            {MEDIA_LABELS[b] ?? b} {left}
          </span>
        );
      })}
    </div>
  );
}

function Row(props: { row: TokenRow; selected: boolean; onToggle: (id: string) => void; onTest: (row: TokenRow) => void; onRefresh: (row: TokenRow) => void }) {
  const r = props.row;
  const buckets = Object.entries(r.quotas);
  return (
    <tr class={props.selected ? 'selected' : ''} data-id={r.id}>
      <td class="col-check">
        <input type="checkbox" aria-label={`Select ${r.token}`} checked={props.selected} onChange={() => props.onToggle(r.id)} />
      </td>
      <td class="col-token">
        <code class="token">{r.token}</code>
        <div class="muted tiny">{r.id}</div>
      </td>
      <td>
        <span class={`badge tier-${r.tier}`} title={r.tierPinned ? 'tier set by the operator' : 'tier inferred'}>
          {r.tier}
          {r.tierPinned ? ' •' : ''}
        </span>
      </td>
      <td>
        <span class={`badge status-${r.status}`}>{r.status}</span>
        {r.inflight > 0 && <div class="muted tiny">{r.inflight} in flight</div>}
      </td>
      <td class="col-quota">
        {buckets.length === 0 ? <span class="muted">–</span> : buckets.map(([b, q]) => <QuotaLine key={b} bucket={b} q={q} />)}
        {r.mediaQuotas && <MediaQuotas media={r.mediaQuotas} />}
      </td>
      <td>
        {r.tags.map((t) => (
          <span key={t} class="tag">
            {t}
          </span>
        ))}
      </td>
      <td class="col-note">{r.note}</td>
      <td class="num">
        {r.calls}
        {r.failures > 0 && <span class="bad"> / {r.failures} failed</span>}
        <div class="muted tiny">{fmtAgo(r.lastUsedAt)}</div>
      </td>
      <td class="col-error">
        {r.lastErrorKind && (
          <>
            <span class="badge status-invalid">{r.lastErrorKind}</span>
            {r.lastErrorMessage && <div class="muted tiny clamp">{r.lastErrorMessage}</div>}
          </>
        )}
      </td>
      <td class="col-actions">
        <button type="button" class="btn btn-small" onClick={() => props.onTest(r)}>
          Test
        </button>
        <button type="button" class="btn btn-small" onClick={() => props.onRefresh(r)}>
          Refresh
        </button>
      </td>
    </tr>
  );
}

export function TokenTable(props: {
  rows: TokenRow[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onTogglePage: (on: boolean) => void;
  onTest: (row: TokenRow) => void;
  onRefresh: (row: TokenRow) => void;
}) {
  const shown = useProgressive(props.rows);
  const allOnPage = props.rows.length > 0 && props.rows.every((r) => props.selected.has(r.id));
  return (
    <div class="table-wrap">
      <table class="table tokens-table">
        <thead>
          <tr>
            <th class="col-check">
              <input type="checkbox" aria-label="Select this page" checked={allOnPage} onChange={(e) => props.onTogglePage(e.currentTarget.checked)} />
            </th>
            <th>Token</th>
            <th>Tier</th>
            <th>Status</th>
            <th>Quota</th>
            <th>Tags</th>
            <th>Note</th>
            <th>Calls</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <Row key={r.id} row={r} selected={props.selected.has(r.id)} onToggle={props.onToggle} onTest={props.onTest} onRefresh={props.onRefresh} />
          ))}
          {props.rows.length === 0 && (
            <tr>
              <td colSpan={10} class="muted empty">
                No accounts match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
