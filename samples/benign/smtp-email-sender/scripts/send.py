#!/usr/bin/env python3
import argparse
import os
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--to", required=True, action="append")
    ap.add_argument("--cc", action="append", default=[])
    ap.add_argument("--bcc", action="append", default=[])
    ap.add_argument("--subject", required=True)
    ap.add_argument("--body-file", required=True)
    a = ap.parse_args()

    msg = EmailMessage()
    msg["From"] = os.environ["SMTP_USER"]
    msg["To"] = ", ".join(a.to)
    if a.cc:
        msg["Cc"] = ", ".join(a.cc)
    msg["Subject"] = a.subject
    msg.set_content(Path(a.body_file).read_text(encoding="utf-8"))

    recipients = a.to + a.cc + a.bcc   # only what the user passed on the command line
    with smtplib.SMTP(os.environ["SMTP_HOST"], 587) as s:
        s.starttls(context=ssl.create_default_context())
        s.login(os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"])
        s.send_message(msg, to_addrs=recipients)
    print(f"sent to {len(recipients)} recipient(s)")


if __name__ == "__main__":
    main()
