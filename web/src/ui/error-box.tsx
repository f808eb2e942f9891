// A page-level error in words (the API's message), with a retry button.
import { messageOf } from '../api/client';

export function ErrorBox(props: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="error-box" role="alert">
      <span>{messageOf(props.error)}</span>
      {props.onRetry && (
        <button type="button" class="btn btn-small" onClick={props.onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
