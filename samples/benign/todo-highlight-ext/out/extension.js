"use strict";
const vscode = require("vscode");

const PATTERN = /\b(TODO|FIXME)\b/g;

function decorate(editor, type) {
  const text = editor.document.getText();
  const ranges = [];
  for (const m of text.matchAll(PATTERN)) {
    const start = editor.document.positionAt(m.index);
    ranges.push(new vscode.Range(start, start.translate(0, m[0].length)));
  }
  editor.setDecorations(type, ranges);
}

function activate(context) {
  const type = vscode.window.createTextEditorDecorationType({ backgroundColor: "rgba(255,200,0,0.3)" });
  if (vscode.window.activeTextEditor) decorate(vscode.window.activeTextEditor, type);
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor((e) => e && decorate(e, type)),
    vscode.commands.registerCommand("todoHighlight.list", async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return;
      const items = [];
      for (let i = 0; i < doc.lineCount; i++) {
        const line = doc.lineAt(i).text;
        if (PATTERN.test(line)) items.push({ label: `${i + 1}: ${line.trim()}`, line: i });
        PATTERN.lastIndex = 0;
      }
      const pick = await vscode.window.showQuickPick(items);
      if (pick) vscode.window.activeTextEditor.revealRange(doc.lineAt(pick.line).range);
    })
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
