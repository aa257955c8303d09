// A custom planner (`--planner ./planner.js`): every task on one 1,769 MB worker, in topological
// order. The interface is wukong's PlanningAlgorithm: { name, plan(dag, metadata, sla, context) }.
export default {
  name: 'one-worker',
  plan(dag, _metadata, _sla, context) {
    const memoryMb = context.tiers.includes(1769) ? 1769 : context.tiers[context.tiers.length - 1];
    const tasks = {};
    for (const taskId of dag.topologicalOrder()) tasks[taskId] = { worker: 0 };
    return { tasks, workers: { 0: { memoryMb, vcpu: Math.round(Math.min(6, memoryMb / 1769) * 1000) / 1000 } } };
  },
};
