// The simulator's figures: exact on hand-computed traces, deterministic, and showing the queue
// policies' effect; every run replays the scheduler's own decide().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulate } from '../../../scheduler/simulate/engine.js';
import { generatePaperTrace, paperHosts } from '../../../scheduler/simulate/generate.js';
import { distribution, quantile } from '../../../scheduler/simulate/metrics.js';
import { formatTrace, parseTrace } from '../../../scheduler/simulate/trace.js';
import { hosts, job, trace } from './helpers.js';

const oneHost = hosts([{ name: 'h1', cores: 4, memoryGiB: 8 }]);

void describe('simulate: hand-computed traces', () => {
  // A fills the host's 4 cores from 0 to 10. B (2 cores) arrives at 2 and C (2 cores) at 3; both
  // start at 10, when A ends: C ends at 11, B at 15.
  const threeJobs = trace([job(0, 10, 4), job(2, 5, 2), job(3, 1, 2)]);

  void it('turnaround, wait, makespan and utilisation are exact', () => {
    const { summary, outcomes } = simulate(threeJobs, oneHost, { policy: 'FIFO', elasticModel: 'fixed' });
    assert.deepEqual(outcomes.map((o) => [o.id, o.admittedAt, o.finishedAt, o.wait, o.turnaround]), [
      [1, 0, 10, 0, 10], [2, 10, 15, 8, 13], [3, 10, 11, 7, 8],
    ]);
    assert.equal(summary.completed, 3);
    assert.equal(summary.refused, 0);
    assert.equal(summary.makespan, 15);
    assert.equal(summary.turnaround.mean, 31 / 3);
    assert.equal(summary.turnaround.median, 10);
    assert.ok(Math.abs(summary.turnaround.p95 - 12.7) < 1e-9, `p95 ${summary.turnaround.p95}`);
    assert.equal(summary.wait.mean, 5);
    assert.equal(summary.wait.median, 7);
    assert.ok(Math.abs(summary.wait.p95 - 7.9) < 1e-9, `wait p95 ${summary.wait.p95}`);
    // cores: 4 during 0–11, 2 during 11–15 → 52 core-seconds of 60; memory 1 GiB each → 16 of 120 GiB-seconds.
    assert.ok(Math.abs(summary.utilisation.cores - 52 / 60) < 1e-12);
    assert.ok(Math.abs(summary.utilisation.memory - 16 / 120) < 1e-12);
    assert.equal(summary.shrinks, 0);
  });

  void it('linear model: a granted elastic instance speeds up, a shrink slows down, a regrow speeds up again', () => {
    // Host of 2 cores. A: 1 essential core + 1 elastic core, 10 s with its essential set only, so
    // twice as fast with the elastic one: 4 s of work done by time 2. B (1 core, 3 s) arrives at 2
    // and takes the elastic core back: A runs at rate 1 until B ends at 5 (3 s more done, 3 s
    // left), then regrows and ends 1.5 s later, at 6.5.
    const twoCores = hosts([{ name: 'h1', cores: 2, memoryGiB: 8 }]);
    const { summary, outcomes } = simulate(trace([job(0, 10, 1, { elastic: 1 }), job(2, 3, 1)]), twoCores, { policy: 'FIFO' });
    assert.deepEqual(outcomes.map((o) => [o.id, o.admittedAt, o.finishedAt]), [[1, 0, 6.5], [2, 2, 5]]);
    assert.equal(summary.shrinks, 1);
    assert.equal(summary.makespan, 6.5);
    assert.equal(summary.utilisation.cores, 1);
    const fixed = simulate(trace([job(0, 10, 1, { elastic: 1 }), job(2, 3, 1)]), twoCores, { policy: 'FIFO', elasticModel: 'fixed' });
    assert.deepEqual(fixed.outcomes.map((o) => [o.id, o.finishedAt]), [[1, 10], [2, 5]]);
  });

  void it('refuses an execution that can never fit, on arrival, and leaves it out of the figures', () => {
    const result = simulate(trace([job(0, 5, 1), job(1, 5, 64), job(2, 5, 1)]), oneHost, { policy: 'FIFO' });
    assert.deepEqual(result.refused.map((r) => [r.id, r.line]), [[2, 2]]);
    assert.match(result.refused[0]?.reason ?? '', /core/);
    assert.equal(result.summary.completed, 2);
    assert.equal(result.summary.refused, 1);
  });
});

void describe('simulate: queue policies', () => {
  // The host is busy until 10. L (4 cores, 10 s, size 100) arrives at 1, S (1 core, 1 s, size 1)
  // at 2. FIFO starts L at 10 and S only at 20; SIZE starts S at 10 and L once S is done.
  const crafted = trace([job(0, 10, 4, { size: 50 }), job(1, 10, 4, { size: 100 }), job(2, 1, 1, { size: 1 })]);

  void it('SIZE lets the small job go first; FIFO keeps arrival order', () => {
    const fifo = simulate(crafted, oneHost, { policy: 'FIFO', elasticModel: 'fixed' });
    const size = simulate(crafted, oneHost, { policy: 'SIZE', elasticModel: 'fixed' });
    const small = (r: typeof fifo) => r.outcomes.find((o) => o.id === 3);
    const large = (r: typeof fifo) => r.outcomes.find((o) => o.id === 2);
    assert.deepEqual([small(fifo)?.admittedAt, large(fifo)?.admittedAt], [20, 10]);
    assert.deepEqual([small(size)?.admittedAt, large(size)?.admittedAt], [10, 11]);
    assert.ok(size.summary.wait.mean < fifo.summary.wait.mean, `SIZE ${size.summary.wait.mean} < FIFO ${fifo.summary.wait.mean}`);
    assert.ok(size.summary.turnaround.mean < fifo.summary.turnaround.mean);
  });

  void it('on the paper-shaped trace SIZE beats FIFO on median turnaround', () => {
    const paper = parseTrace(formatTrace(generatePaperTrace({ executions: 200, seed: 5 })));
    const fifo = simulate(paper, paperHosts(), { policy: 'FIFO' });
    const size = simulate(paper, paperHosts(), { policy: 'SIZE' });
    assert.ok(size.summary.turnaround.median < fifo.summary.turnaround.median,
      `SIZE ${size.summary.turnaround.median} < FIFO ${fifo.summary.turnaround.median}`);
  });
});

void describe('simulate: determinism and invariants', () => {
  const paper = parseTrace(formatTrace(generatePaperTrace({ executions: 150, seed: 11, load: 1.1 })));

  void it('the same trace and seed give the same numbers, random placement included', () => {
    for (const policy of ['FIFO', 'DYNSIZE'] as const) {
      const a = simulate(paper, paperHosts(), { policy, placement: 'random', seed: 42 });
      const b = simulate(paper, paperHosts(), { policy, placement: 'random', seed: 42 });
      assert.deepEqual(a, b);
    }
  });

  void it('the generator is deterministic in its seed', () => {
    assert.equal(formatTrace(generatePaperTrace({ executions: 50, seed: 3 })), formatTrace(generatePaperTrace({ executions: 50, seed: 3 })));
    assert.notEqual(formatTrace(generatePaperTrace({ executions: 50, seed: 3 })), formatTrace(generatePaperTrace({ executions: 50, seed: 4 })));
  });

  void it('the generated trace has the paper\'s shape: about 80% elastic jobs', () => {
    const jobs = generatePaperTrace({ executions: 1000, seed: 9 });
    const elastic = jobs.filter((j) => j.services.some((s) => s.elastic > 0)).length;
    assert.ok(elastic > 750 && elastic < 850, `${elastic} elastic of 1000`);
    assert.ok(jobs.every((j, i) => i === 0 || j.arrival >= (jobs[i - 1]?.arrival ?? 0)));
  });

  void it('with the fixed model every execution runs exactly its running time after admission', () => {
    const { outcomes, summary } = simulate(paper, paperHosts(), { policy: 'SIZE', elasticModel: 'fixed' });
    assert.equal(summary.completed + summary.refused, paper.length);
    const runningTime = new Map(paper.map((e) => [e.id, e.runningTime]));
    for (const o of outcomes) {
      assert.ok(o.wait >= 0);
      assert.ok(Math.abs(o.turnaround - o.wait - (runningTime.get(o.id) ?? NaN)) < 1e-6, `execution ${o.id}`);
    }
    assert.ok(summary.utilisation.cores > 0 && summary.utilisation.cores <= 1);
  });

  void it('with the linear model no execution takes longer than its essential-only time', () => {
    const { outcomes } = simulate(paper, paperHosts(), { policy: 'FIFO' });
    const runningTime = new Map(paper.map((e) => [e.id, e.runningTime]));
    assert.equal(outcomes.length, paper.length);
    for (const o of outcomes) assert.ok(o.finishedAt - o.admittedAt <= (runningTime.get(o.id) ?? 0) + 1e-6, `execution ${o.id}`);
    assert.ok(outcomes.some((o) => o.finishedAt - o.admittedAt < (runningTime.get(o.id) ?? 0) / 2), 'elastic grants shorten some executions');
  });
});

void describe('quantiles', () => {
  void it('interpolate between closest ranks', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([5], 0.95), 5);
    assert.equal(quantile([], 0.5), 0);
    assert.deepEqual(distribution([10, 0, 20]), { mean: 10, median: 10, p95: 19 });
  });
});
