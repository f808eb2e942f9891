// Image studio: generate (POST /v1/images/generations) and edit (POST /v1/images/edits, multipart)
// through the gateway's own OpenAI API, with previews. /v1 takes API keys only (an admin session
// is not accepted there): when app.api_keys is set the operator pastes one; it is kept in this
// tab's sessionStorage, never in localStorage or a cookie.
import { useEffect, useState } from 'preact/hooks';
import { api, errorFrom } from '../api/client';
import type { ModelView, SettingsResponse } from '../api/types';
import { toast } from '../ui/toast';
import { useLoad } from '../ui/use-load';
import type { PageProps } from './page-props';

const KEY_STORAGE = 'g2a_console_api_key';
const SIZES = ['1024x1024', '1024x1536', '1536x1024', '9:16', '16:9'];
const DEFAULT_MODEL = { generate: 'grok-imagine-image', edit: 'grok-imagine-image-edit' } as const;

interface ImageOut {
  url?: string;
  b64_json?: string;
  revised_prompt?: string;
}

function srcOf(img: ImageOut): string | undefined {
  if (img.b64_json) return `data:image/png;base64,${img.b64_json}`;
  return img.url;
}

async function callV1(path: string, apiKey: string, body: BodyInit, json: boolean): Promise<ImageOut[]> {
  const headers: Record<string, string> = {};
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  if (json) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: 'POST', headers, body, credentials: 'omit' });
  if (!res.ok) throw await errorFrom(res);
  const out = (await res.json()) as { data?: ImageOut[] };
  return out.data ?? [];
}

export function ImageStudioPage(_props: PageProps) {
  const settings = useLoad(() => api.get<SettingsResponse>('/settings'), []);
  const keysSet = settings.data?.settings.find((s) => s.key === 'app.api_keys')?.isSet === true;
  const [apiKey, setApiKey] = useState(() => sessionStorage.getItem(KEY_STORAGE) ?? '');
  const [mode, setMode] = useState<'generate' | 'edit'>('generate');
  const [prompt, setPrompt] = useState('');
  const [model, setModel] = useState('');
  const [n, setN] = useState(1);
  const [size, setSize] = useState('1024x1024');
  const [files, setFiles] = useState<File[]>([]);
  const [previews, setPreviews] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<ImageOut[]>([]);

  useEffect(() => {
    if (apiKey) sessionStorage.setItem(KEY_STORAGE, apiKey);
    else sessionStorage.removeItem(KEY_STORAGE);
  }, [apiKey]);
  // Object URLs of the chosen input images, released when they change.
  useEffect(() => {
    const urls = files.map((f) => URL.createObjectURL(f));
    setPreviews(urls);
    return () => urls.forEach((u) => URL.revokeObjectURL(u));
  }, [files]);

  const models: ModelView[] = (settings.data?.models ?? []).filter((m) => m.enabled && m.kind === (mode === 'generate' ? 'image' : 'image-edit'));
  // The API's own defaults first, when enabled.
  const fallback = models.find((m) => m.id === DEFAULT_MODEL[mode]) ?? models[0];
  const chosen = models.some((m) => m.id === model) ? model : (fallback?.id ?? '');

  const run = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (keysSet && !apiKey) {
      toast.error('This gateway requires an API key on /v1: paste one of app.api_keys first.');
      return;
    }
    setBusy(true);
    setResults([]);
    try {
      let out: ImageOut[];
      if (mode === 'generate') {
        out = await callV1('/v1/images/generations', apiKey, JSON.stringify({ model: chosen || undefined, prompt, n, size, response_format: 'b64_json' }), true);
      } else {
        const form = new FormData();
        form.set('prompt', prompt);
        if (chosen) form.set('model', chosen);
        form.set('n', String(n));
        form.set('response_format', 'b64_json');
        for (const f of files) form.append('image[]', f, f.name);
        out = await callV1('/v1/images/edits', apiKey, form, false);
      }
      setResults(out);
      toast.ok(`${out.length} image(s) ${mode === 'generate' ? 'generated' : 'edited'}.`);
    } catch (err) {
      toast.error(err, mode === 'generate' ? 'Generation failed' : 'Edit failed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <section class="card">
        <label>
          API key for /v1 {keysSet ? '(required: app.api_keys is set)' : '(optional: /v1 is open on this gateway)'}
          <input type="password" name="apiKey" autocomplete="off" value={apiKey} placeholder="sk-…" onInput={(e) => setApiKey(e.currentTarget.value.trim())} />
        </label>
        <p class="muted small">Kept in this browser tab only (sessionStorage) and sent as Authorization: Bearer to /v1. The admin session is not used for /v1.</p>
      </section>
      <form class="card form-grid" onSubmit={(e) => void run(e)} aria-label="Image studio">
        <div class="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === 'generate'} class={`tab${mode === 'generate' ? ' active' : ''}`} onClick={() => setMode('generate')}>
            Generate
          </button>
          <button type="button" role="tab" aria-selected={mode === 'edit'} class={`tab${mode === 'edit' ? ' active' : ''}`} onClick={() => setMode('edit')}>
            Edit
          </button>
        </div>
        <label>
          Prompt {mode === 'edit' && <span class="muted small">(@IMAGE1, @IMAGE2 … name the inputs)</span>}
          <textarea name="prompt" rows={3} required value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
        </label>
        {mode === 'edit' && (
          <label>
            Input images (up to 16)
            <input type="file" accept="image/*" multiple onChange={(e) => setFiles([...(e.currentTarget.files ?? [])].slice(0, 16))} />
            {previews.length > 0 && (
              <div class="thumbs">
                {previews.map((u, i) => (
                  <img key={u} src={u} alt={`input ${i + 1}`} />
                ))}
              </div>
            )}
          </label>
        )}
        <div class="row-fields">
          <label>
            Model
            <select value={chosen} onChange={(e) => setModel(e.currentTarget.value)}>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id} ({m.tier}+)
                </option>
              ))}
            </select>
          </label>
          <label>
            Count
            <input type="number" min={1} max={10} value={n} onInput={(e) => setN(Math.max(1, Math.min(10, Number(e.currentTarget.value) || 1)))} />
          </label>
          {mode === 'generate' && (
            <label>
              Size
              <select value={size} onChange={(e) => setSize(e.currentTarget.value)}>
                {SIZES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || prompt.trim() === '' || (mode === 'edit' && files.length === 0)}>
            {busy ? 'Working…' : mode === 'generate' ? 'Generate' : 'Edit'}
          </button>
        </div>
      </form>
      {results.length > 0 && (
        <section class="gallery" aria-label="Results">
          {results.map((img, i) => {
            const src = srcOf(img);
            return (
              <figure key={i} class="card">
                {src ? <img src={src} alt={`result ${i + 1}`} /> : <p class="muted">No image data.</p>}
                <figcaption>
                  {src && (
                    <a href={src} download={`grok-image-${i + 1}.png`}>
                      Download
                    </a>
                  )}
                  {img.revised_prompt && <span class="muted small"> {img.revised_prompt}</span>}
                </figcaption>
              </figure>
            );
          })}
        </section>
      )}
    </div>
  );
}
