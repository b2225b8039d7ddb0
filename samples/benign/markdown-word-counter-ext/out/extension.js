"use strict";
const vscode = require("vscode");

function stats(text) {
  const words = (text.match(/\b[\w'-]+\b/g) || []).length;
  return { words, minutes: Math.max(1, Math.round(words / 230)) };
}

function activate(context) {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  const update = () => {
    const ed = vscode.window.activeTextEditor;
    if (!ed || ed.document.languageId !== "markdown") { item.hide(); return; }
    const s = stats(ed.document.getText());
    item.text = `$(book) ${s.words} words · ${s.minutes} min`;
    item.show();
  };
  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument(update),
    vscode.commands.registerCommand("wordCounter.show", () => {
      const ed = vscode.window.activeTextEditor;
      if (ed) { const s = stats(ed.document.getText()); vscode.window.showInformationMessage(`${s.words} words, ~${s.minutes} min read`); }
    })
  );
  update();
}

function deactivate() {}
module.exports = { activate, deactivate };
