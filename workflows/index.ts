// The workflow bundle's entry: workflow functions only.
export { dunningWorkflow } from './dunning-workflow';
