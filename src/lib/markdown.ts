import MarkdownIt from 'markdown-it'

// Raw HTML in lessons is shown as text, never rendered; markdown-it's link check
// already refuses javascript: and data: addresses.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false })

/** Lesson Markdown to HTML, safe to put in a page unescaped. */
export function renderMarkdown (source: string): string {
  return md.render(source)
}
