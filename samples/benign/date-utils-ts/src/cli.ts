export function businessDays(a: Date, b: Date): number {
  let n = 0;
  const d = new Date(a);
  while (d <= b) {
    const w = d.getUTCDay();
    if (w !== 0 && w !== 6) n++;
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return n;
}

export function addBusinessDays(a: Date, days: number): Date {
  const d = new Date(a);
  while (days > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const w = d.getUTCDay();
    if (w !== 0 && w !== 6) days--;
  }
  return d;
}

export function isoWeek(a: Date): number {
  const d = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), a.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return Math.ceil(((d.getTime() - y0.getTime()) / 86400000 + 1) / 7);
}

const [cmd, x, y] = process.argv.slice(2);
if (cmd === 'bizdays') console.log(businessDays(new Date(x), new Date(y)));
else if (cmd === 'addbiz') console.log(addBusinessDays(new Date(x), Number(y)).toISOString().slice(0, 10));
else if (cmd === 'week') console.log(isoWeek(new Date(x)));
