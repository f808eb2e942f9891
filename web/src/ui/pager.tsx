// Paging controls for server-paged lists: first/previous/next/last, the range shown, page size.
export function Pager(props: { page: number; pageSize: number; total: number; sizes?: number[]; onPage: (page: number) => void; onSize?: (size: number) => void }) {
  const { page, pageSize, total } = props;
  const last = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const end = Math.min(total, page * pageSize);
  return (
    <div class="pager">
      <span class="pager-range">
        {first.toLocaleString()}–{end.toLocaleString()} of {total.toLocaleString()}
      </span>
      <button type="button" class="btn btn-small" disabled={page <= 1} onClick={() => props.onPage(1)} aria-label="First page">
        «
      </button>
      <button type="button" class="btn btn-small" disabled={page <= 1} onClick={() => props.onPage(page - 1)} aria-label="Previous page">
        ‹
      </button>
      <span class="pager-page">
        {page} / {last}
      </span>
      <button type="button" class="btn btn-small" disabled={page >= last} onClick={() => props.onPage(page + 1)} aria-label="Next page">
        ›
      </button>
      <button type="button" class="btn btn-small" disabled={page >= last} onClick={() => props.onPage(last)} aria-label="Last page">
        »
      </button>
      {props.onSize && (
        <select aria-label="Rows per page" value={String(pageSize)} onChange={(e) => props.onSize?.(Number(e.currentTarget.value))}>
          {(props.sizes ?? [50, 100, 200, 500]).map((n) => (
            <option key={n} value={String(n)}>
              {n} / page
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
