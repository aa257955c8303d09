import { App, aws_lambda as lambda } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { WukongStackOptionsInput } from '../../../infra/stack-options.js';
import { WukongStack } from '../../../infra/wukong-stack.js';

/** A synthesized template as plain JSON, with small queries the synth tests share. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
}

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

export interface SynthesizedStack {
  stack: WukongStack;
  template: Template;
  resources: Record<string, CfnResource>;
  outputs: Record<string, { Value: unknown }>;
}

/**
 * Synthesizes the stack offline. The executor code is an inline placeholder: synth tests check the
 * infrastructure, not the bundle (infra/app.ts passes the real one).
 */
export function synthesize(stackName: string, options?: WukongStackOptionsInput): SynthesizedStack {
  const app = new App();
  const stack = new WukongStack(app, stackName, {
    executorCode: lambda.Code.fromInline('exports.handler = async () => {};'),
    ...(options ? { options } : {}),
  });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, CfnResource>; Outputs: Record<string, { Value: unknown }> };
  return { stack, template, resources: json.Resources, outputs: json.Outputs };
}

export const ofType = (resources: Record<string, CfnResource>, type: string): [string, CfnResource][] =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

export const props = (resource: CfnResource): Record<string, unknown> => resource.Properties ?? {};

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Executor functions are the ones named `<stack>-executor-<mb>` (CDK's own providers are not). */
export function executorFunctions(resources: Record<string, CfnResource>, stackName: string): CfnResource[] {
  return ofType(resources, 'AWS::Lambda::Function')
    .map(([, resource]) => resource)
    .filter((resource) => typeof props(resource).FunctionName === 'string' && String(props(resource).FunctionName).startsWith(`${stackName}-executor-`));
}

/** Every IAM statement in the template: role inline policies, managed/inline policies, bucket policies. */
export function allStatements(resources: Record<string, CfnResource>): { owner: string; statement: IamStatement }[] {
  const found: { owner: string; statement: IamStatement }[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const documents: unknown[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(props(resource).Policies as { PolicyDocument: unknown }[] | undefined)) documents.push(policy.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::S3::BucketPolicy') {
      documents.push(props(resource).PolicyDocument);
    }
    for (const document of documents) {
      for (const statement of asArray((document as { Statement: IamStatement[] }).Statement)) found.push({ owner: id, statement });
    }
  }
  return found;
}

/** The logical id of a `{ "Fn::GetAtt": [id, attr] }` or `{ "Ref": id }`. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Is "*" (any resource) among these resources? */
export function isUnscoped(resource: unknown): boolean {
  return asArray(resource as unknown[]).some((entry) => entry === '*');
}
