import type { MessagePart } from '@tessera/shared';
import { createInstance, type i18n as I18n } from 'i18next';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { prerender } from 'react-dom/static';
import { I18nextProvider } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../../i18n/locales/en.json';
import zh from '../../../i18n/locales/zh-CN.json';
import { streamStore } from '../stream-store.ts';
import { partRenderers, rendererFor } from './index.ts';
import { PartList } from './PartList.tsx';
import { previewValue, safeHref } from './preview.ts';

let i18n: I18n;
let i18nZh: I18n;

async function makeI18n(lng: string): Promise<I18n> {
  const instance = createInstance();
  await instance.init({
    lng,
    fallbackLng: 'en',
    resources: { en: { translation: en }, 'zh-CN': { translation: zh } },
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
  });
  return instance;
}

beforeAll(async () => {
  i18n = await makeI18n('en');
  i18nZh = await makeI18n('zh-CN');
});

function withI18n(node: ReactNode, instance = i18n) {
  return <I18nextProvider i18n={instance}>{node}</I18nextProvider>;
}

/** Static markup of `parts` as an assistant's reply (synchronous: lazy markdown shows as plain text). */
function html(parts: MessagePart[], options: { streaming?: boolean; role?: 'user' | 'assistant'; zh?: boolean } = {}) {
  return renderToStaticMarkup(
    withI18n(
      <PartList parts={parts} messageId="m1" role={options.role ?? 'assistant'} streaming={options.streaming} />,
      options.zh ? i18nZh : i18n,
    ),
  );
}

/** Markup once everything lazy (the markdown renderer) has loaded. */
async function fullHtml(parts: MessagePart[], role: 'user' | 'assistant' = 'assistant'): Promise<string> {
  const { prelude } = await prerender(withI18n(<PartList parts={parts} messageId="m2" role={role} />));
  return new Response(prelude).text();
}

describe('part registry', () => {
  it('has a renderer for every kind and none for an unknown one', () => {
    expect(Object.keys(partRenderers).sort()).toEqual(
      ['citation', 'error', 'file', 'reasoning', 'text', 'tool-call', 'tool-result'].sort(),
    );
    expect(rendererFor('hologram')).toBeUndefined();
    expect(rendererFor('constructor')).toBeUndefined();
    const unknown = { type: 'hologram', data: 'x' } as unknown as MessagePart;
    expect(html([unknown])).toBe('<div class="flex min-w-0 flex-col"></div>');
  });

  it('renders assistant text as markdown and user text as typed', async () => {
    const reply = await fullHtml([{ type: 'text', text: 'Some **bold** words' }]);
    expect(reply).toContain('<strong>bold</strong>');
    const user = await fullHtml([{ type: 'text', text: 'Some **bold** words' }], 'user');
    expect(user).toContain('Some **bold** words');
    expect(user).not.toContain('<strong>');
  });

  it('renders reasoning open as "Thinking…" while it streams, folded once the answer began', () => {
    const thinking = html([{ type: 'reasoning', text: 'Consider the options' }], { streaming: true });
    expect(thinking).toContain('<details open=""');
    expect(thinking).toContain('data-state="thinking"');
    expect(thinking).toContain('Thinking…');
    expect(thinking).toContain('Consider the options');

    const parts: MessagePart[] = [
      { type: 'reasoning', text: 'Consider the options' },
      { type: 'text', text: 'The answer' },
    ];
    const answering = html(parts, { streaming: true });
    expect(answering).not.toContain('<details open');
    expect(answering).toContain('data-state="done"');
    expect(answering).toContain('>Reasoning<');
    expect(html(parts, { zh: true })).toContain('>思考过程<');
  });

  it('says how long the model thought when this tab saw it', () => {
    const now = Date.now;
    let clock = 1_000;
    Date.now = () => clock;
    try {
      streamStore.start('m1', []);
      streamStore.delta('m1', 0, 'reasoning', 'Hmm');
      clock += 3_200;
      streamStore.delta('m1', 1, 'text', 'Yes');
      streamStore.delete('m1');
    } finally {
      Date.now = now;
    }
    const done = html([
      { type: 'reasoning', text: 'Hmm' },
      { type: 'text', text: 'Yes' },
    ]);
    expect(done).toContain('Thought for 3 s');
  });

  it('renders tool calls and results as folded cards with their name and JSON', () => {
    const out = html([
      { type: 'tool-call', toolCallId: 'c1', toolName: 'web_search', input: { query: 'tessera' } },
      { type: 'tool-result', toolCallId: 'c1', toolName: 'web_search', output: { hits: 3 } },
      { type: 'tool-result', toolCallId: 'c2', toolName: 'fetch', output: 'timeout', isError: true },
    ]);
    expect(out.match(/<details/g)).toHaveLength(3);
    expect(out).not.toContain('<details open');
    expect(out).toContain('Tool call');
    expect(out).toContain('Tool result');
    expect(out).toContain('Tool failed');
    expect(out).toContain('web_search');
    expect(out).toContain('{\n  &quot;query&quot;: &quot;tessera&quot;\n}');
    expect(out).toContain('&quot;hits&quot;: 3');
    // The call is running while it is the reply's last part.
    const running = html([{ type: 'tool-call', toolCallId: 'c1', toolName: 'web_search', input: {} }], {
      streaming: true,
    });
    expect(running).toContain('Running tool');
  });

  it('cuts long tool output and says how much was left out', () => {
    const out = html([{ type: 'tool-result', toolCallId: 'c', toolName: 'dump', output: 'x'.repeat(5_000) }]);
    expect(out).toContain('x'.repeat(4_000) + '</pre>');
    expect(out).toContain('… and 1,000 more characters');
  });

  it('renders files as chips and citations as numbered links, each kind in its own row', () => {
    const out = html([
      { type: 'text', text: 'See the sources.' },
      { type: 'file', fileId: 'f1', name: 'report.pdf', mediaType: 'application/pdf' },
      { type: 'citation', sourceId: 's1', url: 'https://example.com/a', title: 'Example A' },
      { type: 'citation', sourceId: 's2', url: 'https://docs.example.org/b' },
      { type: 'citation', sourceId: 's3', url: 'javascript:alert(1)', title: 'Evil' },
    ]);
    expect(out).toContain('report.pdf');
    expect(out).toContain('application/pdf');
    expect(out.match(/class="flex min-w-0 flex-wrap gap-1.5"/g)).toHaveLength(2);
    expect(out).toContain('href="https://example.com/a"');
    expect(out).toContain('aria-label="Source 1: Example A"');
    expect(out).toContain('aria-label="Source 2: docs.example.org"');
    expect(out).toContain('rel="noopener noreferrer"');
    // Not an http(s) address: numbered, but no link.
    expect(out).toContain('aria-label="Source 3: Evil"');
    expect(out).not.toContain('javascript:');
  });

  it('renders an error part in the reader’s language, never in the server’s words', () => {
    const known = html([{ type: 'error', error: { code: 'PROVIDER_RATE_LIMITED', message: 'Rate limited' } }], {
      zh: true,
    });
    expect(known).toContain(zh.replyError.PROVIDER_RATE_LIMITED);
    const unknown = html([{ type: 'error', error: { code: 'TOOL_BROKE', message: 'The tool broke.' } }]);
    expect(unknown).toContain(en.chat.replyFailed);
    expect(unknown).not.toContain('The tool broke.');
  });
});

describe('previewValue', () => {
  it('shows strings as they are and anything else as indented JSON', () => {
    expect(previewValue('plain')).toEqual({ text: 'plain', omitted: 0 });
    expect(previewValue({ a: [1] })).toEqual({ text: '{\n  "a": [\n    1\n  ]\n}', omitted: 0 });
    expect(previewValue(undefined)).toEqual({ text: '', omitted: 0 });
    expect(previewValue(10n).text).toBe('10');
  });

  it('never cuts a surrogate pair in half', () => {
    const { text, omitted } = previewValue('ab😀cd', 3);
    expect(text).toBe('ab');
    expect(omitted).toBe(4);
  });
});

describe('safeHref', () => {
  it('links http(s) only', () => {
    expect(safeHref('https://example.com')?.hostname).toBe('example.com');
    expect(safeHref('http://example.com')).toBeDefined();
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
    expect(safeHref(undefined)).toBeUndefined();
  });
});
