// @ts-check
/**
 * An example custom planner for `wukong plan --planner ./workloads/planners/round-robin.js`:
 * the template to copy when you write your own. It deals the tasks round-robin over K workers, in
 * topological order, all on one memory tier. It is deliberately naive (it ignores history); its
 * job is to show the interface. wukong validates whatever a planner returns before anything runs
 * (every task assigned, workers configured from the available tiers, prewarm naming real
 * workers), and predicts the plan's makespan and cost with the same estimator as the built-ins.
 *
 * The interface (src/plan/planning-algorithm.ts): the module's default export is an object
 *
 *   { name: string, plan(dag, metadata, sla, context) => { tasks, workers } | Promise<...> }
 *
 * where
 * - `dag` is the validated DAG model (src/dag/dag.ts): `dag.taskIds()`, `dag.topologicalOrder()`,
 *   `dag.parents(id)`, `dag.children(id)`, `dag.task(id)` (the task's JSON: op, args, hints),
 *   `dag.criticalPath(weight?)`;
 * - `metadata` answers from past runs (src/metadata/metadata-access.ts; all times in ms):
 *   `predictExecutionTime(taskId, inputBytes | undefined, [{ memoryMb, vcpu }, ...], sla)` ->
 *   `[{ config, ms }, ...]`, `predictOutputSize(taskId, inputBytes, sla)` -> bytes,
 *   `predictRemoteDownloadTime(bytes, sla)`, `predictUploadTime(bytes, sla)`,
 *   `predictColdStartMs(tierMb, sla)`, `predictWarmStartMs(tierMb, sla)`;
 * - `sla` is `"avg"`, `"median"` or `{ percentile: 90 }` (pass it on to `metadata`);
 * - `context.tiers` is the ascending list of memory tiers (MB) a worker may get; `context.maxWorkers`
 *   the user's `--max-workers`, if given; `context.platform`, when the caller knows where the plan
 *   runs (`wukong simulate`, `wukong bench --mode sim`), `{ profile, store }`: the cost profile
 *   (src/cost/profile.ts) whose transfer, cold-start and Invoke figures the run will pay; history
 *   recorded on the embedded backend makes transfers look free, so price them from the profile.
 *   The built-ins' helpers take it: `predictTaskCosts(dag, metadata, sla, tiers, context.platform)`.
 *   `context.replanning`, set when a run reached a re-planning point and asks for a plan of the
 *   rest (src/plan/replan.ts; the simulator's planned mode does): `dag` is then the remaining
 *   tasks plus, as sources, the finished tasks they read (`replanning.done`: their outputs are in
 *   the store, whichever worker you put them on, and `metadata` predicts 0 ms for them); the
 *   metadata's times are already scaled by the slowdown observed so far (`replanning.observedFactor`,
 *   per op, `*` over all). `plan` must then return its plan directly, not a promise (the
 *   simulator's event loop is synchronous). `replanning.heldWorkers` and
 *   `replanning.warmEnvironments` (per tier MB) say how many workers wait to be handed a worker of
 *   the new plan (one whose first task reads only finished tasks starts on one a round trip later,
 *   no Invoke call, no start-up) and how many idle environments would start an invoked one warm.
 *   Pass `replanning.done` and `replanning` to `predictTaskCosts` as its last two arguments so the
 *   shared estimator prices those inputs as stored and those starts as they will be;
 *
 * It returns
 * - `tasks`: for EVERY task id, `{ worker, preload?, prewarm?, dup?, order?, parkAfterMs? }`: `worker` a
 *   non-negative integer; `preload` fetch the task's remote inputs while the worker computes the
 *   task before it; `prewarm` worker ids to start when this task starts (their cold start overlaps);
 *   `dup` a consumer may recompute this task itself instead of waiting for its output; `order` the
 *   task's position in its worker's run (give it on all tasks or none; it must grow along every edge;
 *   none: topological order); `parkAfterMs` how long the worker may wait for this task's remote
 *   inputs before it parks (0: at once); the built-ins set it from the predicted wait against a
 *   re-invocation (src/plan/park-threshold.ts), and so does wukong for a plan that sets it on no
 *   task (set it on any task to keep your own; a task you leave without one parks after 500 ms,
 *   DEFAULT_PARK_AFTER_MS in src/model/run-spec.ts, in submit, replay and bench runs and in the
 *   plan's forecast; only `wukong simulate --park-after-ms` changes it, for that simulation);
 * - `workers`: for every worker id used, `{ memoryMb, vcpu }` with memoryMb one of `context.tiers`
 *   and vcpu = min(6, memoryMb / 1769) (Lambda's CPU for that memory);
 * - optionally `predicted`: `{ makespanMs, costUsd, ...more numbers }`; wukong replaces makespan and
 *   cost with its own estimate, so all planners compare, and keeps your other figures;
 * - optionally `replanAfter`: task ids, re-planning points: once every task no deeper than a named
 *   task (depth: longest path from a source) has run, the rest is planned again by this planner,
 *   with the compute times observed so far (`wukong simulate --replan-after` sets them instead).
 *   Each point is a barrier: no deeper task starts before its stage has ended.
 * - optionally `replanOnDrift`: `{ ratio, minTasks }`, a drift trigger instead of points: once at
 *   least `minTasks` tasks have finished and their observed / predicted compute time has drifted by
 *   `ratio` either way (e.g. 1.5: >= 1.5 or <= 1/1.5), the client plans every task not yet started
 *   again with this planner (`context.replanning.done` then also holds the tasks still running:
 *   their outputs will be stored); running tasks finish where they are. Fires once per run, no
 *   barrier (`wukong simulate --replan-drift` sets it instead). Give points or a trigger, not both.
 *   Optional `minGain` (default 0.1): the run switches only if the new plan is forecast at least
 *   that fraction faster for the rest than the plan it runs;
 * - optionally `hedgeStarts` (boolean); a re-plan that leaves it out keeps the first plan's.
 */

/** How many workers the tasks are dealt over, unless `--max-workers` says fewer. */
const WORKERS = 4;

/** @type {{ name: string, plan: (dag: any, metadata: any, sla: any, context: { tiers: readonly number[], maxWorkers?: number }) => any }} */
const roundRobin = {
  name: 'round-robin',
  plan(dag, _metadata, _sla, context) {
    const workerCount = Math.max(1, Math.min(WORKERS, context.maxWorkers ?? WORKERS));
    // One fixed tier: 1,769 MB (one full vCPU) when available, else the largest tier offered.
    const memoryMb = context.tiers.includes(1769) ? 1769 : context.tiers[context.tiers.length - 1];
    const vcpu = Math.round(Math.min(6, memoryMb / 1769) * 1000) / 1000;

    /** @type {Record<string, { worker: number }>} */
    const tasks = {};
    const used = new Set();
    // Topological order, so each worker's tasks (which run in that order) never wait on a later one.
    dag.topologicalOrder().forEach((/** @type {string} */ taskId, /** @type {number} */ i) => {
      const worker = i % workerCount;
      tasks[taskId] = { worker };
      used.add(worker);
    });

    /** @type {Record<string, { memoryMb: number, vcpu: number }>} */
    const workers = {};
    for (const worker of used) workers[String(worker)] = { memoryMb, vcpu };
    return { tasks, workers };
  },
};

export default roundRobin;
