'use strict';
// CPU time of processes over a window, from /proc (Linux): what each part of a failover took out of the machine
// between the kill and the last client's return, and how busy the whole machine was meanwhile.
const fs = require('fs');
const { execFileSync } = require('child_process');

const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// utime + stime of one process, in ticks (fields 14 and 15 of /proc/PID/stat; the name, field 2, may hold spaces).
function statOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null; // gone
  }
}

/** The processes of a process group now (a node's launcher may exec or fork; the group has them all). */
function groupPids(pgid) {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))
    .filter((pid) => { const s = statOf(pid); return s && s.pgrp === pgid; }).map(Number);
}

function machineTicks() {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4]; // idle + iowait
  return { total: cpu.reduce((a, b) => a + b, 0), idle };
}

/**
 * Snapshots of the CPU seconds of this process ("self") and of named sets of processes.
 * @param {Object<string, number[]>} named name -> pids, summed (a pid gone counts what it had when last seen)
 */
function cpuMeter(named) {
  const last = new Map();
  const ticksOf = (pid) => {
    const s = statOf(pid);
    if (s) last.set(pid, s.ticks);
    return last.get(pid) || 0;
  };
  return () => {
    const own = process.cpuUsage();
    const s = { at: Date.now(), machine: machineTicks(), cpu: { self: (own.user + own.system) / 1e6 } };
    for (const [name, pids] of Object.entries(named)) {
      s.cpu[name] = pids.reduce((n, pid) => n + ticksOf(pid), 0) / TICKS_PER_S;
    }
    return s;
  };
}

/** What happened between two snapshots: its length, each one's CPU seconds, the machine's busy share. */
function between(a, b) {
  const cpu = {};
  for (const name of Object.keys(b.cpu)) cpu[name] = Math.round((b.cpu[name] - (a.cpu[name] || 0)) * 100) / 100;
  const total = b.machine.total - a.machine.total;
  const busy = total > 0 ? 1 - (b.machine.idle - a.machine.idle) / total : 0;
  return { ms: b.at - a.at, cpu_s: cpu, machine_busy_pct: Math.round(busy * 1000) / 10 };
}

module.exports = { cpuMeter, groupPids, between };
