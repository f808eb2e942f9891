// Protocol drift: what grok.com sent that the gateway did not expect (new event types, renamed or
// retyped fields, unknown error codes, empty answers), one row per signature with its count,
// first/last seen, where it was met and its first sample (redacted on the server).
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { DriftReport, DriftSignatureView } from '../api/protocol-types';
import { ErrorBox } from '../ui/error-box';
import { fmtAgo, fmtNum, fmtTime } from '../ui/format';
import { useLoad } from '../ui/use-load';
import type { PageProps } from './page-props';

function Row(props: { s: DriftSignatureView }) {
  const { s } = props;
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-signature={s.signature}>
        <td>
          <span class="badge badge-warn">{s.kind}</span>
        </td>
        <td><code>{s.path}</code></td>
        <td><code>{s.type}</code></td>
        <td class="num">{fmtNum(s.count)}</td>
        <td title={fmtTime(s.firstSeen)}>{fmtAgo(s.firstSeen)}</td>
        <td title={fmtTime(s.lastSeen)}>{fmtAgo(s.lastSeen)}</td>
        <td>{[...s.sources, ...s.models].join(', ')}</td>
        <td>
          <button type="button" class="btn btn-small" onClick={() => setOpen(!open)}>
            {open ? 'Hide sample' : 'Sample'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="sample-row">
          <td colSpan={8}>
            <pre class="small drift-sample">{JSON.stringify(s.sample, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}

export function ProtocolPage(_props: PageProps) {
  const report = useLoad(() => api.get<DriftReport>('/protocol/drift'), []);
  const d = report.data;
  return (
    <div class="stack">
      {report.error !== undefined && <ErrorBox error={report.error} onRetry={report.reload} />}
      <p class="muted">
        Messages from grok.com that differ from what this gateway expects. A new signature usually means grok.com changed its protocol:
        additive changes keep answers working, others show up as failed or empty answers.
      </p>
      {d && (
        <>
          <div class="toolbar">
            <span>
              {d.signatures.length} signature(s) · {fmtNum(d.total)} finding(s) · {fmtNum(d.checked)} message(s) checked · sample rate {Math.round(d.sampleRate * 1000) / 10}%
              {d.dropped > 0 ? ` · ${fmtNum(d.dropped)} not kept (table full)` : ''}
            </span>
            <button type="button" class="btn" onClick={report.reload}>
              Refresh
            </button>
          </div>
          {d.signatures.length === 0 ? (
            <p class="muted drift-none">No protocol drift seen: grok.com speaks what the gateway expects.</p>
          ) : (
            <div class="table-wrap">
              <table class="table drift-table">
                <thead>
                  <tr>
                    <th>Kind</th>
                    <th>Where</th>
                    <th>Type</th>
                    <th>Count</th>
                    <th>First seen</th>
                    <th>Last seen</th>
                    <th>Seen on</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {d.signatures.map((s) => (
                    <Row key={s.signature} s={s} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
