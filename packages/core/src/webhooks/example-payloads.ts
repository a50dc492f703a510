/** The `data` a `test` call sends for each event: MLflow's examples, and Loom's for its own events. */
import type { RegistryEventName } from '../registry/registry-events';

const tags = { example_key: 'example_value' };
const versionTag = { name: 'example_model', version: '1', key: 'example_key' };
const promptVersionTag = { name: 'example_prompt', version: '1', key: 'example_key' };
const request = { name: 'example_model', version: '1', stage: 'Production', comment: 'Ready to ship' };

const EXAMPLES: Record<RegistryEventName, Record<string, unknown>> = {
  'registered_model.created': { name: 'example_model', tags, description: 'An example registered model' },
  'model_version.created': {
    name: 'example_model',
    version: '1',
    source: 'runs:/abcd1234abcd5678/model',
    run_id: 'abcd1234abcd5678',
    tags,
    description: 'An example model version',
  },
  'model_version_tag.set': { ...versionTag, value: 'example_value' },
  'model_version_tag.deleted': versionTag,
  'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
  'model_version_alias.deleted': { name: 'example_model', alias: 'example_alias' },
  'prompt.created': { name: 'example_prompt', tags, description: 'An example prompt' },
  'prompt_version.created': {
    name: 'example_prompt',
    version: '1',
    template: 'Hello {{name}}!',
    tags,
    description: 'An example prompt version',
  },
  'prompt_tag.set': { name: 'example_prompt', key: 'example_key', value: 'example_value' },
  'prompt_tag.deleted': { name: 'example_prompt', key: 'example_key' },
  'prompt_version_tag.set': { ...promptVersionTag, value: 'example_value' },
  'prompt_version_tag.deleted': promptVersionTag,
  'prompt_alias.created': { name: 'example_prompt', alias: 'example_alias', version: '1' },
  'prompt_alias.deleted': { name: 'example_prompt', alias: 'example_alias' },
  'model_version.stage_transitioned': {
    name: 'example_model',
    version: '1',
    from_stage: 'Staging',
    to_stage: 'Production',
  },
  'transition_request.created': request,
  'transition_request.approved': request,
  'transition_request.rejected': request,
  'transition_request.cancelled': request,
  'comment.created': { name: 'example_model', version: '1', comment: 'Looks good' },
};

/** An example `data` for `event`. */
export function examplePayload(event: RegistryEventName): Record<string, unknown> {
  return EXAMPLES[event];
}
