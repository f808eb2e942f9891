// A horizontal meter (quota left, cache used). The width is set through the CSSOM (element.style),
// which the console's CSP allows; a style="" attribute in markup would be blocked.
import { useLayoutEffect, useRef } from 'preact/hooks';

export function Meter(props: { value: number; max: number; label?: string; tone?: 'ok' | 'warn' | 'bad' | 'auto' }) {
  const fill = useRef<HTMLSpanElement>(null);
  const ratio = props.max > 0 ? Math.max(0, Math.min(1, props.value / props.max)) : 0;
  const tone = props.tone && props.tone !== 'auto' ? props.tone : ratio > 0.5 ? 'ok' : ratio > 0.15 ? 'warn' : 'bad';
  useLayoutEffect(() => {
    if (fill.current) fill.current.style.width = `${(ratio * 100).toFixed(1)}%`;
  }, [ratio]);
  return (
    <span class="meter" title={props.label} role="meter" aria-valuemin={0} aria-valuemax={props.max} aria-valuenow={props.value} aria-label={props.label}>
      <span class={`meter-fill meter-${tone}`} ref={fill} />
    </span>
  );
}
