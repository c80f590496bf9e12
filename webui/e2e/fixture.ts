// A small multilingual review file made for the browser tests: English,
// German and Chinese reviews over four months, with ratings, variants and
// a rise of battery complaints in the last month (an emerging issue).
const en = [
  [5, "Great sound", "The sound is rich and the bass is deep. Battery lasts all week."],
  [4, "Comfortable", "Very comfortable for long flights, the battery is fine."],
  [2, "Battery died", "The battery died after two hours, very disappointing."],
  [1, "Stopped charging", "Battery stopped charging after a month. Poor quality."],
  [5, "Worth the price", "Excellent value for the price, sound is clear."],
  [3, "Okay", "Sound is okay but the ear cups get warm."],
  [4, "Nice for the gym", "I use them at the gym, they stay in place and sound good."],
  [2, "Weak battery", "Battery life is much shorter than advertised."],
];
const de = [
  [5, "Toller Klang", "Der Klang ist hervorragend und der Akku hält lange."],
  [2, "Akku schwach", "Der Akku ist nach drei Stunden leer. Schlecht."],
  [4, "Bequem", "Sehr bequem und leicht, guter Preis."],
];
const zh = [
  [5, "音质很好", "音质非常好，低音很足，电池续航也很长。"],
  [1, "电池很差", "电池用了一个月就充不进电了，质量太差。"],
  [4, "佩戴舒服", "戴着很舒服，适合通勤路上听歌。"],
];

function csvCell(s: string | number): string {
  const v = String(s);
  return /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

/** reviewsCSV returns n reviews as CSV (Stars, Title, Review, Date, Variation, Review ID). */
export function reviewsCSV(n = 45, prefix = "r"): string {
  const all = [...en, ...de, ...zh];
  const rows = [["Stars", "Title", "Review", "Date", "Variation", "Review ID"]];
  for (let i = 0; i < n; i++) {
    const [stars, title, body] = all[i % all.length]!;
    // Dates from 2024-01-01 on, three days apart; the last reviews are
    // battery complaints, so battery rises in the latest 28 days.
    const late = i >= n - 6;
    const d = new Date(Date.UTC(2024, 0, 1 + i * 3));
    const row = late
      ? [1, "Battery again", `Battery drains overnight, second unit with the same battery problem (${i}).`]
      : [stars, title, `${body} (#${i})`];
    rows.push([String(row[0]), String(row[1]), String(row[2]), d.toISOString().slice(0, 10), i % 2 ? "Color: Black" : "Color: White", `${prefix}-${i}`]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}
