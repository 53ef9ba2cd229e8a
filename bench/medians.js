#!/usr/bin/env node
'use strict';
// The figures with targets over several side-by-side runs: for each, every run's peer and Chorus figures, their
// medians and the ratio of the medians. Reads the targets.md that bench/run wrote in each run's folder; a figure
// missing from a run (a step one server did not reach) is left out of that run's list.
//
//   node bench/medians.js RUN_DIR RUN_DIR [RUN_DIR ...]

const fs = require('fs');
const path = require('path');

const dirs = process.argv.slice(2);
if (dirs.length < 2) {
  console.error('usage: node bench/medians.js RUN_DIR RUN_DIR [RUN_DIR ...]');
  process.exit(2);
}

// "500/500" (clients back) is a count to list, not a number to take the median of.
const value = (cell) => {
  const text = cell.replace(/\*/g, '').replace('×', '').trim();
  if (/^\d+\/\d+$/.test(text)) return text;
  const number = Number(text);
  return text === '' || text === '–' || Number.isNaN(number) ? null : number;
};

const figures = new Map();
for (const dir of dirs) {
  const table = fs.readFileSync(path.join(dir, 'targets.md'), 'utf8');
  for (const line of table.split('\n')) {
    const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());
    if (cells.length < 7 || cells[0] === 'scenario' || cells[0].startsWith('---')) continue;
    const [scenario, figure, peer, chorus, , target] = cells;
    // Every fan-out step has a row; those without a target are in each run's table.md.
    if (scenario === 'fanout' && /^\d+ msg\/s/.test(figure) && !target) continue;
    const key = `${scenario} | ${figure}`;
    if (!figures.has(key)) figures.set(key, { scenario, figure, target, peer: [], chorus: [] });
    figures.get(key).peer.push(value(peer));
    figures.get(key).chorus.push(value(chorus));
  }
}

const median = (values) => {
  const numbers = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (numbers.length === 0) return values.find((v) => v !== null) ?? null;
  const middle = Math.floor(numbers.length / 2);
  return numbers.length % 2 ? numbers[middle] : (numbers[middle - 1] + numbers[middle]) / 2;
};

const show = (v) => {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en').replace(/,/g, ' ');
  return v >= 10 ? v.toFixed(1) : v.toFixed(2);
};

console.log(`Runs: ${dirs.join(', ')}\n`);
console.log('| scenario | figure | peer, each run | Chorus, each run | peer median | Chorus median | Chorus / peer'
  + ' | target |');
console.log('| --- | --- | --- | --- | ---: | ---: | ---: | --- |');
for (const { scenario, figure, target, peer, chorus } of figures.values()) {
  const p = median(peer);
  const c = median(chorus);
  const ratio = typeof p === 'number' && typeof c === 'number' && p !== 0 ? `${(c / p).toFixed(2)}×` : '–';
  console.log(`| ${scenario} | ${figure} | ${peer.map(show).join(' / ')} | ${chorus.map(show).join(' / ')} | ${show(p)}`
    + ` | ${show(c)} | ${ratio} | ${target} |`);
}
