// Media cache: generated images and videos kept under DATA_DIR/media, their sizes against the
// limits, and clearing them (per kind or all). Links handed out earlier stop working.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { CacheKindSize, CacheSize } from '../api/types';
import { Meter } from '../ui/bar';
import { ErrorBox } from '../ui/error-box';
import { fmtBytes } from '../ui/format';
import { toast } from '../ui/toast';
import { useLoad } from '../ui/use-load';
import type { PageProps } from './page-props';

type Kind = 'image' | 'video' | 'all';

function KindCard(props: { title: string; size: CacheKindSize; busy: boolean; onClear: () => void }) {
  const { size } = props;
  return (
    <section class="card" data-kind={props.title}>
      <h2>{props.title}</h2>
      <p class="big">
        {size.files.toLocaleString()} files · {fmtBytes(size.bytes)}
      </p>
      {size.limitBytes > 0 && (
        <>
          <Meter value={size.bytes} max={size.limitBytes} tone={size.bytes / size.limitBytes > 0.9 ? 'warn' : 'ok'} label={`${fmtBytes(size.bytes)} of ${fmtBytes(size.limitBytes)}`} />
          <p class="muted small">limit {fmtBytes(size.limitBytes)} (oldest files are evicted beyond it)</p>
        </>
      )}
      <button type="button" class="btn btn-danger" disabled={props.busy || size.files === 0} onClick={props.onClear}>
        Clear {props.title.toLowerCase()}
      </button>
    </section>
  );
}

export function CachePage(_props: PageProps) {
  const size = useLoad(() => api.get<CacheSize>('/cache/size'), []);
  const [busy, setBusy] = useState(false);
  const clear = async (kind: Kind): Promise<void> => {
    const what = kind === 'all' ? 'every cached image and video' : `every cached ${kind}`;
    if (!confirm(`Delete ${what}? Links handed out earlier stop working.`)) return;
    setBusy(true);
    try {
      const r = await api.post<{ ok: boolean; files: number; bytes: number }>('/cache/clear', { kind });
      toast.ok(`Cache cleared: ${r.files} file(s), ${fmtBytes(r.bytes)}.`);
      size.reload();
    } catch (err) {
      toast.error(err, 'Clear failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="stack">
      {size.error !== undefined && <ErrorBox error={size.error} onRetry={size.reload} />}
      {size.data?.note && <p class="muted">{size.data.note}</p>}
      {size.data && (
        <>
          <div class="two-col">
            <KindCard title="Images" size={size.data.images} busy={busy} onClear={() => void clear('image')} />
            <KindCard title="Videos" size={size.data.videos} busy={busy} onClear={() => void clear('video')} />
          </div>
          <div class="toolbar">
            <span>Total {fmtBytes(size.data.bytes)}</span>
            <button type="button" class="btn" onClick={size.reload}>
              Refresh
            </button>
            <button type="button" class="btn btn-danger" disabled={busy || size.data.bytes === 0} onClick={() => void clear('all')}>
              Clear everything
            </button>
          </div>
        </>
      )}
    </div>
  );
}
