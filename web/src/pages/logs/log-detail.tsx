// One call-log entry in full: every field the gateway recorded, and each upstream attempt.
import type { CallLogRecord } from '../../api/types';
import { fmtBytes, fmtMs } from '../../ui/format';
import { Modal } from '../../ui/modal';

function Field(props: { label: string; value: string | number | boolean | undefined | null }) {
  if (props.value === undefined || props.value === null || props.value === '') return null;
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{String(props.value)}</dd>
    </>
  );
}

export function LogDetail(props: { entry: CallLogRecord; onClose: () => void }) {
  const e = props.entry;
  return (
    <Modal title={`${e.method} ${e.endpoint}`} onClose={props.onClose} wide>
      <dl class="detail" data-testid="log-detail">
        <Field label="Time" value={new Date(e.time).toLocaleString()} />
        <Field label="Status" value={e.status} />
        <Field label="Model" value={e.model} />
        <Field label="Stream" value={e.stream === undefined ? undefined : e.stream ? 'yes' : 'no'} />
        <Field label="Failure kind" value={e.kind} />
        <Field label="Error" value={e.error} />
        <Field label="Account" value={e.account} />
        <Field label="Proxy" value={e.proxy} />
        <Field label="API key" value={e.apiKey} />
        <Field label="Attempts" value={e.attempts} />
        <Field label="Time to first byte" value={e.ttfbMs === undefined ? undefined : fmtMs(e.ttfbMs)} />
        <Field label="Latency" value={fmtMs(e.latencyMs)} />
        <Field label="Prompt tokens" value={e.promptTokens} />
        <Field label="Completion tokens" value={e.completionTokens} />
        <Field label="Tool calls" value={e.toolCalls && e.toolCalls.length > 0 ? `${e.toolCalls.length}: ${e.toolCalls.join(', ')}` : undefined} />
        <Field label="Conversation" value={e.continuation === 'continued' ? 'continued upstream' : e.continuation === 'fallback' ? 'could not continue: history re-sent' : undefined} />
        <Field label="Bytes sent" value={e.bytes === undefined ? undefined : fmtBytes(e.bytes)} />
        <Field label="Request id" value={e.requestId} />
        <Field label="Entry id" value={e.id} />
      </dl>
      {e.upstream && e.upstream.length > 0 && (
        <>
          <h3>Upstream attempts</h3>
          <table class="table compact">
            <thead>
              <tr>
                <th>#</th>
                <th>Account</th>
                <th>Status</th>
                <th>Failure</th>
              </tr>
            </thead>
            <tbody>
              {e.upstream.map((u, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td>
                    <code>{u.account}</code>
                  </td>
                  <td>{u.status || 'no answer'}</td>
                  <td>{u.kind ?? 'ok'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Modal>
  );
}
