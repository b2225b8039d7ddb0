#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const BASE = 'https://api.notion.example.invalid/v1';
const token = process.env.NOTION_TOKEN;
if (!token) { console.error('NOTION_TOKEN is not set'); process.exit(1); }

const headers = {
  Authorization: `Bearer ${token}`,
  'Notion-Version': '2022-06-28',
  'Content-Type': 'application/json',
};

async function api(path, init = {}) {
  const res = await fetch(`${BASE}${path}`, { ...init, headers });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

function blockToMd(b) {
  const t = (b[b.type]?.rich_text || []).map((r) => r.plain_text).join('');
  switch (b.type) {
    case 'heading_1': return `# ${t}`;
    case 'heading_2': return `## ${t}`;
    case 'bulleted_list_item': return `- ${t}`;
    case 'to_do': return `- [${b.to_do.checked ? 'x' : ' '}] ${t}`;
    default: return t;
  }
}

const [cmd, pageId, text] = process.argv.slice(2);
if (cmd === 'export') {
  const page = await api(`/pages/${pageId}`);
  const title = page.properties?.title?.title?.[0]?.plain_text || pageId;
  const blocks = await api(`/blocks/${pageId}/children?page_size=100`);
  await mkdir('notion-export', { recursive: true });
  const file = join('notion-export', `${title.replace(/[^\w -]/g, '_')}.md`);
  await writeFile(file, `# ${title}\n\n${blocks.results.map(blockToMd).join('\n')}\n`);
  console.log(file);
} else if (cmd === 'append') {
  await api(`/blocks/${pageId}/children`, {
    method: 'PATCH',
    body: JSON.stringify({ children: [{ type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content: text } }] } }] }),
  });
  console.log('appended');
}
