"""Task runner: subcommands are methods, plugins are modules, both found by name."""
import importlib
import os
import subprocess
import sys

PLUGIN_PACKAGE = "plugins"


class Tasks:
    def cmd_lint(self):
        return subprocess.run(["ruff", "check", "."]).returncode

    def cmd_test(self):
        return subprocess.run([sys.executable, "-m", "pytest", "-q"]).returncode

    def cmd_fmt(self):
        return subprocess.run(["ruff", "format", "."]).returncode

    def run(self, name):
        handler = getattr(self, "cmd_" + name, None)
        if handler is None:
            plugin = importlib.import_module(PLUGIN_PACKAGE + "." + name)
            return plugin.main()
        return handler()


def main():
    # Windows has no getuid: look it up by name, with a default.
    uid = getattr(os, "getuid", lambda: 0)()
    if uid == 0:
        print("warning: running as root")
    name = sys.argv[1] if len(sys.argv) > 1 else "lint"
    sys.exit(Tasks().run(name))


if __name__ == "__main__":
    main()
