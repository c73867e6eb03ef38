import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type {} from 'remark-parse';
import type { Processor } from 'unified';

/**
 * GitHub-flavoured markdown (tables, strikethrough, task lists, autolinks, footnotes) for reading only.
 * remark-gfm also registers GFM for writing markdown back out, which pulls the whole markdown
 * serializer into the page; messages are only ever parsed, so this registers the parsing half.
 */
export function remarkGfmParse(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfm());
  (data.fromMarkdownExtensions ??= []).push(gfmFromMarkdown());
}
