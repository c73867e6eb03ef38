import { useEffect, useState, type ComponentProps, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import { remarkGfmParse } from './remark-gfm-parse.ts';
import './markdown.css';

type Plugins = NonNullable<Options['remarkPlugins']>;
interface MathPlugins {
  remark: Plugins;
  rehype: NonNullable<Options['rehypePlugins']>;
}

let math: MathPlugins | null = null;
let mathLoading: Promise<MathPlugins> | null = null;

function loadMath(): Promise<MathPlugins> {
  mathLoading ??= Promise.all([import('remark-math'), import('rehype-katex'), import('katex/dist/katex.min.css')]).then(
    ([remarkMath, rehypeKatex]) => (math = { remark: [remarkMath.default], rehype: [rehypeKatex.default] }),
  );
  return mathLoading;
}

const MATH_RE = /\$\$[\s\S]+?\$\$|\$[^\s$][^$\n]*?\$|\\\(|\\\[/;

function useMath(text: string): MathPlugins | null {
  const needed = MATH_RE.test(text);
  const [loaded, setLoaded] = useState(math);
  useEffect(() => {
    if (needed && !loaded) void loadMath().then(setLoaded);
  }, [needed, loaded]);
  return needed ? loaded : null;
}

function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
      aria-label={t('chat.copyCode')}
      className="focus-ring cursor-pointer rounded-md px-2 py-0.5 text-xs text-muted hover:bg-subtle-strong hover:text-fg"
    >
      {copied ? t('chat.copied') : t('chat.copy')}
    </button>
  );
}

function CodeBlock({ language, code }: { language: string; code: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (!language) return;
    const timer = setTimeout(() => {
      void import('./highlight.ts')
        .then((m) => m.highlight(code, language))
        .then((out) => {
          if (live) setHtml(out);
        });
    }, 60);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [code, language]);
  return (
    <div className="md-code my-3 overflow-hidden rounded-xl border border-line bg-subtle">
      <div className="flex items-center justify-between border-b border-line px-3 py-1 text-xs text-muted">
        <span>{language || 'text'}</span>
        <CopyButton text={code} />
      </div>
      <pre className="overflow-x-auto p-3 text-[13px] leading-relaxed">
        {html !== null ? (
          // hljs output: the source is HTML-escaped, only <span class> is added.
          <code className="hljs" dangerouslySetInnerHTML={{ __html: html }} />
        ) : (
          <code>{code}</code>
        )}
      </pre>
    </div>
  );
}

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return '';
}

const components: Components = {
  // react-markdown empties unsafe URLs (javascript:, data: …): such a link renders as plain text, not as
  // an <a href=""> that would open the app itself in a new tab.
  a: ({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) =>
    props.href ? <a {...props} target="_blank" rel="noopener noreferrer" /> : <span>{props.children}</span>,
  pre: ({ children }) => <>{children}</>,
  code: ({ className, children, node }) => {
    const match = /language-([\w+#-]+)/.exec(className ?? '');
    const isBlock = !!match || node?.position?.start.line !== node?.position?.end.line || (className ?? '').length > 0;
    if (!isBlock) return <code className="md-inline-code">{children}</code>;
    return <CodeBlock language={match?.[1] ?? ''} code={textOf(children).replace(/\n$/, '')} />;
  },
  table: ({ children }) => (
    <div className="my-3 overflow-x-auto">
      <table>{children}</table>
    </div>
  ),
};

/** Assistant markdown. No raw HTML (react-markdown escapes it), links open in a new tab. */
export default function Markdown({ text }: { text: string }) {
  const m = useMath(text);
  const remarkPlugins: Plugins = m ? [remarkGfmParse, ...m.remark] : [remarkGfmParse];
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={m?.rehype ?? []} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
